package io.sonde.bench.latency;

import io.sonde.bench.BenchStack;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.client.DeviceClient;
import io.sonde.bench.client.DeviceFleet;
import io.sonde.bench.client.SseClient;
import io.sonde.bench.client.UplinkEncoder;
import io.sonde.proto.v1.ErrorCode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Devices sending one reading per batch on an open-loop schedule, and dashboards following some of
 * them over SSE ({@code telemetry:DEVICE} channels). Each reading's intended send time is kept by
 * (device, seq), so a dashboard's receipt of it yields its device-send to dashboard-receive
 * latency, coordinated-omission free.
 *
 * <p>Threading: {@link #send} phases run on the calling thread, the only sender; acks arrive on the
 * HTTP client threads, events on each dashboard's reader thread.
 */
final class LatencyLoad implements DeviceClient.Events, AutoCloseable {
    static final String PREFIX = "bench-";
    // Seqs remembered per device: at 5 readings/s, 400 s of history, far above any latency.
    private static final int RING = 2048;
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration MAX_DRAIN = Duration.ofSeconds(15);

    private final DeviceFleet fleet;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<SseClient> dashboards = new ArrayList<>();
    private final UplinkEncoder encoder = new UplinkEncoder(42);
    private final long[][] sentAt;
    private final long[] seqs;
    private final int[] followers;
    private final LongAdder received = new LongAdder();
    private final LongAdder unmatched = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private volatile LatencyRecorder recorder;
    private volatile long lastEventNanos;
    private long expected;

    LatencyLoad(BenchStack stack, int ingestPort, int devices, int sourceAddresses) {
        this.sentAt = new long[devices][RING];
        this.seqs = new long[devices];
        this.followers = new int[devices];
        this.fleet =
                DeviceFleet.connect(
                        URI.create("ws://127.0.0.1:" + ingestPort + "/v1/ingest"),
                        stack.issuer(),
                        PREFIX,
                        devices,
                        sourceAddresses,
                        this);
    }

    /**
     * Opens {@code count} dashboards, dashboard k following devices k*follow ... k*follow+follow-1.
     */
    void openDashboards(BenchStack stack, int pushPort, int count, int follow) {
        String token =
                stack.issuer()
                        .viewer(
                                "bench-dashboard",
                                List.of("telemetry:*"),
                                false,
                                Duration.ofHours(2));
        for (int k = 0; k < count; k++) {
            StringBuilder q = new StringBuilder("snapshot=false");
            for (int i = 0; i < follow; i++) {
                int device = (k * follow + i) % followers.length;
                followers[device]++;
                q.append("&channel=")
                        .append(
                                URLEncoder.encode(
                                        "telemetry:" + PREFIX + device, StandardCharsets.UTF_8));
            }
            URI uri = URI.create("http://127.0.0.1:" + pushPort + "/v1/events?" + q);
            dashboards.add(SseClient.open(http, uri, token, this::event));
        }
    }

    /** Devices followed by at least one dashboard. */
    long followedDevices() {
        return java.util.Arrays.stream(followers).filter(f -> f > 0).count();
    }

    /**
     * Sends {@code perSecond} readings for {@code duration}, round-robin over the devices; when
     * {@code into} is given, records every followed reading's latency into it, waiting after the
     * last send until the dashboards fall quiet.
     *
     * @return the sends made
     */
    OpenLoop.Stats send(double perSecond, Duration duration, LatencyRecorder into)
            throws Exception {
        List<DeviceClient> devices = fleet.devices();
        recorder = into;
        OpenLoop.Stats stats =
                OpenLoop.run(
                        perSecond,
                        duration,
                        Long.MAX_VALUE,
                        (i, intended) -> {
                            int d = (int) (i % devices.size());
                            long seq = seqs[d] + 1;
                            sentAt[d][(int) (seq % RING)] = intended;
                            long wall = System.currentTimeMillis() * 1_000_000L;
                            if (devices.get(d).send(encoder, 1, wall, intended) == seq) {
                                seqs[d] = seq;
                                expected += into != null ? followers[d] : 0;
                            }
                        });
        long deadline = System.nanoTime() + MAX_DRAIN.toNanos();
        while (System.nanoTime() < deadline
                && (fleet.inFlight() > 0 || System.nanoTime() - lastEventNanos < QUIET.toNanos())) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        recorder = null;
        return stats;
    }

    /** Deliveries due (readings sent while recording x their followers), over all sends. */
    long expected() {
        return expected;
    }

    long received() {
        return received.sum();
    }

    long unmatched() {
        return unmatched.sum();
    }

    long rejected() {
        return rejected.sum();
    }

    long closedDevices() {
        return closed.sum();
    }

    private void event(String name, String data, long receivedNanos) {
        lastEventNanos = receivedNanos;
        if (!name.equals("telemetry")) {
            return;
        }
        received.increment();
        int device = (int) number(data, "\"deviceId\":\"" + PREFIX, '"');
        long seq = number(data, "\"seq\":", ',');
        if (device < 0 || device >= sentAt.length || seq <= 0) {
            unmatched.increment();
            return;
        }
        LatencyRecorder r = recorder;
        if (r != null) {
            r.recordSince(sentAt[device][(int) (seq % RING)], receivedNanos);
        }
    }

    // The digits after `marker` up to `end` in the compact JSON the push gateway writes; -1 if
    // absent.
    private static long number(String json, String marker, char end) {
        int at = json.indexOf(marker);
        if (at < 0) {
            return -1;
        }
        int from = at + marker.length();
        int to = json.indexOf(end, from);
        try {
            return Long.parseLong(json, from, to < 0 ? json.length() : to, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void acked(DeviceClient device, long firstSeq, int readings, long intendedNanos) {}

    @Override
    public void rejected(DeviceClient device, int readings, ErrorCode code, String message) {
        rejected.increment();
    }

    @Override
    public void closed(DeviceClient device, int status, String reason) {
        closed.increment();
    }

    @Override
    public void close() throws InterruptedException {
        for (SseClient d : dashboards) {
            d.close();
        }
        fleet.close();
        http.shutdownNow();
    }
}
