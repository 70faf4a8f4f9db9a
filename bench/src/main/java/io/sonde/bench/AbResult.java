package io.sonde.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The samples of an interleaved A/B comparison: A is the baseline (Kafka's own tool, the Node
 * peer), B is ours (Sonde). The headline is {@link #oursOverBaseline()}: median of ours divided by
 * median of the baseline, so for a throughput above 1 means Sonde is faster and for a latency above
 * 1 means Sonde is slower.
 *
 * @param metric what one sample measures, e.g. "readings/s"
 * @param baselineName the A side, e.g. "ProducerPerformance"
 * @param oursName the B side, e.g. "ingest-gateway"
 * @param baseline one sample per round, in round order
 * @param ours one sample per round, in round order
 */
public record AbResult(
        String metric,
        String baselineName,
        String oursName,
        List<Double> baseline,
        List<Double> ours) {

    public AbResult {
        baseline = List.copyOf(baseline);
        ours = List.copyOf(ours);
    }

    public double baselineMedian() {
        return median(baseline);
    }

    public double oursMedian() {
        return median(ours);
    }

    /** Median of ours / median of the baseline; NaN when the baseline median is 0. */
    public double oursOverBaseline() {
        double b = baselineMedian();
        return b == 0 ? Double.NaN : oursMedian() / b;
    }

    /** The median: the middle sample, or the mean of the two middle ones; NaN when empty. */
    public static double median(List<Double> samples) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1
                ? sorted.get(mid)
                : (sorted.get(mid - 1) + sorted.get(mid)) / 2.0;
    }
}
