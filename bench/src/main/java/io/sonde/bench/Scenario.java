package io.sonde.bench;

/**
 * One benchmark, run as {@code ./sonde bench NAME}. An implementation is a picocli
 * {@code @Command(name = "NAME")} class with its own {@code @Option}s and a {@code @Mixin
 * BenchOptions} returned by {@link #options()}; {@link BenchMain} lists it once.
 *
 * <p>Contract: {@link BenchMain} records the machine and the load average, calls {@link #run} once
 * on the main thread, records the load average again and writes {@code <results-dir>/NAME.md}.
 * {@code run} starts what it needs (broker, services, clients) and stops all of it before
 * returning; every load loop in it is bounded in count and in time; it reports numbers through the
 * {@link BenchReport}, never by asserting.
 */
public interface Scenario {

    /** The options shared by every scenario (rounds, quick, directories, JFR). */
    BenchOptions options();

    /**
     * Runs the scenario, its baseline interleaved with it, and adds the method, the numbers and the
     * caveats to {@code report}.
     */
    void run(BenchReport report) throws Exception;
}
