package io.sonde.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a baseline and ours interleaved, A/B/A/B..., so that drift of the machine (heat, other load,
 * page cache) hits both sides alike. Rounds run sequentially on the calling thread.
 */
public final class AbRunner {
    private static final System.Logger LOG = System.getLogger(AbRunner.class.getName());

    private AbRunner() {}

    /** One measurement of one side; {@code round} counts from 1. */
    @FunctionalInterface
    public interface Trial {
        double run(int round) throws Exception;
    }

    /**
     * Runs {@code rounds} rounds of baseline then ours.
     *
     * @throws IllegalArgumentException when rounds is below 1
     */
    public static AbResult interleave(
            String metric,
            int rounds,
            String baselineName,
            Trial baseline,
            String oursName,
            Trial ours)
            throws Exception {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            a.add(measure(metric, baselineName, baseline, round, rounds));
            b.add(measure(metric, oursName, ours, round, rounds));
        }
        AbResult result = new AbResult(metric, baselineName, oursName, a, b);
        LOG.log(
                System.Logger.Level.INFO,
                "{0}: {1} median {2}, {3} median {4}, ours/baseline {5}",
                metric,
                baselineName,
                BenchReport.number(result.baselineMedian()),
                oursName,
                BenchReport.number(result.oursMedian()),
                BenchReport.ratio(result.oursOverBaseline()));
        return result;
    }

    private static double measure(String metric, String name, Trial trial, int round, int rounds)
            throws Exception {
        double value = trial.run(round);
        LOG.log(
                System.Logger.Level.INFO,
                "round {0}/{1} {2}: {3} {4}",
                round,
                rounds,
                name,
                BenchReport.number(value),
                metric);
        return value;
    }
}
