package io.sonde.bench;

/**
 * Latency percentiles in microseconds.
 *
 * @param count values recorded, corrected ones included
 */
public record Percentiles(long count, long p50, long p90, long p99, long p999, long max) {

    /** p99 in milliseconds, for goals stated in ms. */
    public double p99Millis() {
        return p99 / 1000.0;
    }
}
