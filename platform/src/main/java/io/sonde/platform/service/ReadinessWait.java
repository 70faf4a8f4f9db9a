package io.sonde.platform.service;

import io.sonde.platform.health.HealthReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits for services to become ready, for the commands that start them: a line once all are ready,
 * and while they are not, every {@code reportEvery} a line naming each one that is not and why (so
 * that a user whose Kafka is unreachable learns it instead of staring at nothing).
 */
public final class ReadinessWait {
    /** How long the commands wait before saying what they are waiting for. */
    public static final Duration REPORT_EVERY = Duration.ofSeconds(60);

    // Readiness is a polled state, not an event: a short interval keeps the wait responsive
    // without measurable cost (each poll evaluates in-memory checks only).
    private static final long POLL_MILLIS = 100;

    private ReadinessWait() {}

    /**
     * Blocks until every service is ready.
     *
     * @param out where the "not ready yet" lines go
     * @throws InterruptedException when interrupted (e.g. Ctrl-C during the wait)
     */
    public static void await(List<Service> services, Duration reportEvery, PrintStream out)
            throws InterruptedException {
        long start = System.nanoTime();
        long nextReport = start + reportEvery.toNanos();
        while (true) {
            List<Service> waiting = services.stream().filter(s -> !s.readiness().up()).toList();
            if (waiting.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (now >= nextReport) {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(now - start);
                for (Service s : waiting) {
                    HealthReport report = s.readiness();
                    if (!report.up()) {
                        out.println(
                                "[sonde] "
                                        + s.name()
                                        + " not ready after "
                                        + seconds
                                        + " s: "
                                        + report.problems());
                    }
                }
                nextReport = now + reportEvery.toNanos();
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }
}
