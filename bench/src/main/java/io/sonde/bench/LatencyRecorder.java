package io.sonde.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies in microseconds over an HdrHistogram (3 significant digits, auto-resizing).
 *
 * <p>Coordinated omission is corrected one of two ways: measure from the intended send time of an
 * {@link OpenLoop} ({@link #recordSince}), or, for a closed loop, record with the expected interval
 * so HdrHistogram back-fills the samples a stalled sender never took ({@link #record(long, long)}).
 *
 * <p>Threading: record from any number of threads; read ({@link #percentiles}, {@link #writeHgrm})
 * when recording has stopped for exact numbers.
 */
public final class LatencyRecorder {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram histogram = new ConcurrentHistogram(SIGNIFICANT_DIGITS);

    /** Records {@code nowNanos - intendedNanos} (both {@link System#nanoTime()}), at least 0. */
    public void recordSince(long intendedNanos, long nowNanos) {
        recordMicros(TimeUnit.NANOSECONDS.toMicros(Math.max(0, nowNanos - intendedNanos)));
    }

    /** Records one latency as measured. */
    public void recordMicros(long micros) {
        histogram.recordValue(Math.max(0, micros));
    }

    /**
     * Records one latency from a closed loop that meant to send every {@code
     * expectedIntervalMicros}: a value of 10 intervals also records the 9 sends that were held
     * back, at 9, 8, ... intervals.
     */
    public void record(long micros, long expectedIntervalMicros) {
        histogram.recordValueWithExpectedInterval(Math.max(0, micros), expectedIntervalMicros);
    }

    /** Adds everything {@code other} recorded, e.g. to merge the rounds of a run. */
    public void add(LatencyRecorder other) {
        histogram.add(other.histogram.copy());
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** Forgets everything recorded, e.g. at the end of a warm-up. */
    public void reset() {
        histogram.reset();
    }

    public Percentiles percentiles() {
        Histogram h = histogram.copy();
        return new Percentiles(
                h.getTotalCount(),
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(90),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue());
    }

    /** Writes the percentile distribution (values in microseconds) as an .hgrm text file. */
    public Path writeHgrm(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, "UTF-8")) {
                histogram.copy().outputPercentileDistribution(out, 1.0);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
