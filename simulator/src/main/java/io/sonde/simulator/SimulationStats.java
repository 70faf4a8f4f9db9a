package io.sonde.simulator;

import io.sonde.proto.v1.ErrorCode;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Counters shared by all devices of one simulation. Thread-safe. */
final class SimulationStats {
    // An ack slower than an hour is recorded as an hour: the histogram stays small and bounded.
    private static final long MAX_LATENCY_MICROS = TimeUnit.HOURS.toMicros(1);

    private final LongAdder readingsSent = new LongAdder();
    private final LongAdder readingsAcked = new LongAdder();
    private final LongAdder readingsDropped = new LongAdder();
    private final LongAdder readingsRejected = new LongAdder();
    private final LongAdder batchesResent = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong unackedBatches = new AtomicLong();
    private final Histogram ackLatency = new ConcurrentHistogram(MAX_LATENCY_MICROS, 3);
    // The same samples again, for progress lines about the last interval only.
    private final Recorder recentAckLatency = new Recorder(MAX_LATENCY_MICROS, 3);

    void queued() {
        unackedBatches.incrementAndGet();
    }

    void dropped(int readings) {
        readingsDropped.add(readings);
    }

    void sent(PendingBatch batch, boolean resend) {
        if (resend) {
            batchesResent.increment();
        } else {
            readingsSent.add(batch.readings);
        }
        bytesSent.add(batch.frame.size());
    }

    void acked(PendingBatch batch, long nowNanos) {
        readingsAcked.add(batch.readings);
        long micros = TimeUnit.NANOSECONDS.toMicros(Math.max(0, nowNanos - batch.dueNanos));
        ackLatency.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
        recentAckLatency.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
        unackedBatches.decrementAndGet();
    }

    void error(ErrorCode code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void rejected(PendingBatch batch) {
        readingsRejected.add(batch.readings);
        unackedBatches.decrementAndGet();
    }

    void connected() {
        connected.incrementAndGet();
    }

    void disconnected() {
        connected.decrementAndGet();
    }

    void reconnected() {
        reconnects.increment();
    }

    long unackedBatches() {
        return unackedBatches.get();
    }

    /** p99 ack latency in ms since the previous call; 0 when nothing was acked. */
    double recentP99Millis() {
        return millis(recentAckLatency.getIntervalHistogram(), 99);
    }

    SimulationReport report(int devices, Duration elapsed) {
        long acked = readingsAcked.sum();
        double seconds = elapsed.toNanos() / 1e9;
        Map<String, Long> byCode = new TreeMap<>();
        errors.forEach((code, count) -> byCode.put(code.name(), count.sum()));
        Histogram latency = ackLatency.copy();
        return new SimulationReport(
                devices,
                connected.get(),
                elapsed,
                readingsSent.sum(),
                acked,
                readingsDropped.sum(),
                readingsRejected.sum(),
                byCode,
                batchesResent.sum(),
                reconnects.sum(),
                bytesSent.sum(),
                seconds > 0 ? acked / seconds : 0,
                new SimulationReport.Latency(
                        latency.getTotalCount(),
                        millis(latency, 50),
                        millis(latency, 90),
                        millis(latency, 99),
                        millis(latency, 99.9),
                        latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0));
    }

    private static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0
                ? 0
                : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
