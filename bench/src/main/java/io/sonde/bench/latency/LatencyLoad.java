package io.sonde.bench.latency;

import io.sonde.bench.BenchException;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.load.BenchDevice;
import io.sonde.bench.load.DeviceFleet;
import io.sonde.bench.load.UplinkEncoder;
import io.sonde.client.push.SseClient;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
final class LatencyLoad implements BenchDevice.Events, AutoCloseable {
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
    // Why batches were refused, by error code: a bound set (the protocol's codes).
    private final ConcurrentMap<ErrorCode, LongAdder> rejectedBy = new ConcurrentHashMap<>();
    private final LongAdder closed = new LongAdder();
    private volatile LatencyRecorder recorder;
    private volatile long lastEventNanos;
    private long expected;

    LatencyLoad(LocalStack stack, int ingestPort, int devices, int sourceAddresses) {
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
    void openDashboards(LocalStack stack, int pushPort, int count, int follow) {
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
            try {
                SseClient sse = SseClient.to(uri).http(http).token(token).open(this::event);
                if (sse.status() != 200) {
                    throw new BenchException("SSE " + uri + " answered " + sse.status());
                }
                dashboards.add(sse);
            } catch (IOException e) {
                throw new BenchException("cannot open dashboard stream " + uri, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted opening dashboards", e);
            }
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
        List<BenchDevice> devices = fleet.devices();
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

    private void event(SseClient.Event event) {
        long receivedNanos = event.receivedNanos();
        String data = event.data();
        lastEventNanos = receivedNanos;
        if (!event.event().equals("telemetry")) {
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
    public void acked(BenchDevice device, long firstSeq, int readings, long intendedNanos) {}

    @Override
    public void rejected(BenchDevice device, int readings, ErrorCode code, String message) {
        rejected.increment();
        rejectedBy.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Refused batches by error code, e.g. {@code {RATE_LIMITED=12}}. */
    String rejectedByCode() {
        Map<ErrorCode, Long> counts = new TreeMap<>();
        rejectedBy.forEach((c, n) -> counts.put(c, n.sum()));
        return counts.toString();
    }

    @Override
    public void closed(BenchDevice device, int status, String reason) {
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
