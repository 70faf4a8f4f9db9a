package io.sonde.bench.ingest;

import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.TopicAdmin;
import io.sonde.bench.load.BenchDevice;
import io.sonde.bench.load.DeviceFleet;
import io.sonde.bench.load.UplinkEncoder;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.stack.LocalStack;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.TopicPartition;

/**
 * The device side of the ingest benchmark: a fleet of devices sending batches of typical readings,
 * either saturating (each device keeps {@code window} batches in flight, the next sent from the ack
 * of the previous: how the peak is found) or paced (an {@link OpenLoop} at a fixed rate, ack
 * latency measured from each batch's intended send time). Every phase ends by draining the replies
 * and checks that the records Kafka gained equal the readings acknowledged.
 *
 * <p>Threading: phases run on the calling thread; acks arrive on the HTTP clients' threads.
 */
final class IngestLoad implements BenchDevice.Events, AutoCloseable {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param ackedReadings readings acknowledged in the phase, replies after its end included
     * @param recordsWritten growth of the telemetry topic's end offsets over the phase
     * @param rejectedBatches batches refused by the gateway
     * @param unansweredBatches batches still without a reply after the drain timeout
     * @param sendingDevices devices still sending at the end (a rejected device stops)
     */
    record Check(
            long ackedReadings,
            long recordsWritten,
            long rejectedBatches,
            int unansweredBatches,
            long sendingDevices) {
        boolean consistent() {
            return ackedReadings == recordsWritten;
        }
    }

    private final LocalStack stack;
    private final String topic;
    private final int batch;
    private final DeviceFleet fleet;
    private final Map<BenchDevice, UplinkEncoder> encoders = new ConcurrentHashMap<>();
    private final LongAdder acked = new LongAdder();
    private final LongAdder ackedInWindow = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final Map<String, LongAdder> rejections = new ConcurrentHashMap<>();
    private volatile boolean saturating;
    private volatile long windowEnd;
    private volatile LatencyRecorder recorder;

    private IngestLoad(LocalStack stack, URI ingest, int devices, int batch, int addresses) {
        this.stack = stack;
        this.topic = stack.kafka().topics().telemetry().name();
        this.batch = batch;
        this.fleet =
                DeviceFleet.connect(ingest, stack.issuer(), "bench-", devices, addresses, this);
        for (BenchDevice d : fleet.devices()) {
            encoders.put(d, new UplinkEncoder(d.id().hashCode()));
        }
    }

    static IngestLoad connect(LocalStack stack, URI ingest, int devices, int batch, int addresses) {
        return new IngestLoad(stack, ingest, devices, batch, addresses);
    }

    /**
     * Each device keeps {@code window} batches in flight for {@code duration}.
     *
     * @return readings acknowledged per second during the phase
     */
    double saturate(Duration duration, int window, List<Check> checks) {
        Map<TopicPartition, Long> offsets = TopicAdmin.endOffsets(stack.kafka(), topic);
        long ackedBefore = acked.sum();
        long rejectedBefore = rejected.sum();
        ackedInWindow.reset();
        long start = System.nanoTime();
        windowEnd = start + duration.toNanos();
        saturating = true;
        for (int w = 0; w < window; w++) {
            fleet.devices().forEach(this::sendNext);
        }
        parkUntil(windowEnd);
        saturating = false;
        double rate = ackedInWindow.sum() / (duration.toNanos() / 1e9);
        checks.add(check(offsets, ackedBefore, rejectedBefore));
        return rate;
    }

    /**
     * Sends {@code readingsPerSecond} in batches round-robin over the devices, open loop: a
     * warm-up, then {@code duration} with every batch's ack latency recorded from its intended send
     * time.
     */
    LatencyRecorder paced(
            double readingsPerSecond, Duration warmup, Duration duration, List<Check> checks)
            throws Exception {
        double batchesPerSecond = readingsPerSecond / batch;
        List<BenchDevice> devices = fleet.devices();
        OpenLoop.Send send =
                (i, intended) -> {
                    BenchDevice d = devices.get((int) (i % devices.size()));
                    d.send(encoders.get(d), batch, wallNanos(), intended);
                };
        OpenLoop.run(batchesPerSecond, warmup, Long.MAX_VALUE, send);
        // A warm-up batch still in flight may be in the log before the snapshot and acked after
        // it: let them all be answered first, so the phase counts only its own.
        awaitAnswers();
        Map<TopicPartition, Long> offsets = TopicAdmin.endOffsets(stack.kafka(), topic);
        long ackedBefore = acked.sum();
        long rejectedBefore = rejected.sum();
        LatencyRecorder measured = new LatencyRecorder();
        recorder = measured;
        OpenLoop.run(batchesPerSecond, duration, Long.MAX_VALUE, send);
        checks.add(check(offsets, ackedBefore, rejectedBefore));
        recorder = null;
        return measured;
    }

    /** Refusals by error code over the whole run, e.g. {RESOURCE_EXHAUSTED=3}. */
    Map<String, Long> rejections() {
        Map<String, Long> out = new java.util.TreeMap<>();
        rejections.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    long closedDevices() {
        return closed.sum();
    }

    int devices() {
        return fleet.size();
    }

    @Override
    public void acked(BenchDevice device, long firstSeq, int readings, long intendedNanos) {
        long now = System.nanoTime();
        acked.add(readings);
        LatencyRecorder r = recorder;
        if (r != null) {
            r.recordSince(intendedNanos, now);
        }
        if (saturating) {
            if (now <= windowEnd) {
                ackedInWindow.add(readings);
            }
            sendNext(device);
        }
    }

    @Override
    public void rejected(BenchDevice device, int readings, ErrorCode code, String message) {
        rejected.increment();
        rejections.computeIfAbsent(code.name(), k -> new LongAdder()).increment();
    }

    @Override
    public void closed(BenchDevice device, int status, String reason) {
        closed.increment();
    }

    @Override
    public void close() {
        fleet.close();
    }

    private void sendNext(BenchDevice device) {
        device.send(encoders.get(device), batch, wallNanos(), System.nanoTime());
    }

    // Waits for every reply, then compares the records committed meanwhile (the gateway writes in
    // transactions: end offsets also count commit markers) with the readings acknowledged.
    private Check check(
            Map<TopicPartition, Long> offsetsBefore, long ackedBefore, long rejectedBefore) {
        awaitAnswers();
        return new Check(
                acked.sum() - ackedBefore,
                TopicAdmin.committedBetween(
                        stack.kafka(), offsetsBefore, TopicAdmin.endOffsets(stack.kafka(), topic)),
                rejected.sum() - rejectedBefore,
                fleet.inFlight(),
                fleet.usable());
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (fleet.inFlight() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static void parkUntil(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
