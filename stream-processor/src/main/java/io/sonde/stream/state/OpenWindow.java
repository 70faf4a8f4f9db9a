package io.sonde.stream.state;

import java.util.Arrays;

/** One open tumbling window of one device: an accumulator per metric index. Not thread-safe. */
public final class OpenWindow {
    private final long start;
    private Accumulator[] byMetric = new Accumulator[4];

    OpenWindow(long start) {
        this.start = start;
    }

    public long start() {
        return start;
    }

    /** The accumulator of metric {@code i}, created on first use. */
    Accumulator accumulator(int i) {
        if (i >= byMetric.length) {
            byMetric = Arrays.copyOf(byMetric, Math.max(i + 1, byMetric.length * 2));
        }
        Accumulator a = byMetric[i];
        if (a == null) {
            a = new Accumulator();
            byMetric[i] = a;
        }
        return a;
    }

    /** Metric indexes in use are {@code 0 <= i < width()}; some may be null. */
    public int width() {
        return byMetric.length;
    }

    /** The accumulator of metric {@code i}, or null when the window holds none for it. */
    public Accumulator get(int i) {
        return i < byMetric.length ? byMetric[i] : null;
    }
}
