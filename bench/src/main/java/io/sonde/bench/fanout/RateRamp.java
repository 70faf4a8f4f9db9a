package io.sonde.bench.fanout;

import io.sonde.bench.BenchException;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.Percentiles;
import io.sonde.bench.connections.ServiceJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Finds the highest deliveries/s (messages/s x subscribers) one server sustains with p99 latency
 * within the limit: fresh subscribers, a warm-up step, then open-loop steps of rising publish rate
 * (x2 while p99 is under a quarter of the limit, else x1.4) until a step fails, then steps half way
 * between the highest pass and the lowest failure until the two are within {@link
 * Search#RESOLUTION} of each other; the result is the passing step with the most deliveries/s. A
 * step fails when the publisher made less than 90% of its scheduled sends, its p99 is over the
 * limit, a message did not reach every subscriber within the drain time, a subscriber was dropped,
 * or a publish failed.
 *
 * <p>Bounded: at most {@code maxSteps} steps of {@code stepDuration} plus the drain time each.
 */
final class RateRamp {
    private static final System.Logger LOG = System.getLogger(RateRamp.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final double FAST_GROWTH = 2.0;
    private static final double SLOW_GROWTH = 1.4;
    // A publisher whose sends are slow (as seen right after an overloaded step) makes the open
    // loop skip the sends that fell due meanwhile, and latency is then measured only for the few
    // it made: such a step did not run at its rate, so it cannot pass at it.
    static final double MIN_SENT_SHARE = 0.9;

    /**
     * @param stepDuration how long each step publishes
     * @param p99Limit the latency bound a step must keep
     * @param maxSteps most measured steps per ramp
     */
    record Config(Duration stepDuration, Duration p99Limit, int maxSteps) {}

    /**
     * One step of a ramp.
     *
     * @param rate intended publish rate, messages/s
     * @param subscribers subscribers open at the start of the step
     * @param sent messages published
     * @param delivered messages received, all subscribers together
     * @param deliveriesPerSecond delivered / step time
     * @param latency percentiles of this step (us)
     * @param serverCpu server CPU time / step time (1.0 = one core)
     * @param clientCpu bench JVM CPU time / step time
     * @param failure why the step failed; empty when it passed
     */
    record Step(
            double rate,
            int subscribers,
            long sent,
            long delivered,
            double deliveriesPerSecond,
            Percentiles latency,
            double serverCpu,
            double clientCpu,
            Optional<String> failure,
            LatencyRecorder recorder) {
        boolean passed() {
            return failure.isEmpty();
        }
    }

    /** A ramp's steps and its best passing step. */
    record Result(String target, int subscribers, List<Step> steps, Optional<Step> best) {
        double bestDeliveriesPerSecond() {
            return best.map(Step::deliveriesPerSecond).orElse(0.0);
        }
    }

    private final Config settings;
    private long seq;

    RateRamp(Config settings) {
        this.settings = settings;
    }

    Config settings() {
        return settings;
    }

    Result run(FanoutTarget target, int subscribers, double startRate) throws Exception {
        return run(target, subscribers, startRate, () -> {});
    }

    /** As {@link #run(FanoutTarget, int, double)}, running {@code connected} once all are up. */
    Result run(FanoutTarget target, int subscribers, double startRate, Runnable connected)
            throws Exception {
        Deliveries sink = new Deliveries();
        try (Subscribers subs = target.subscribe(subscribers, sink);
                Publisher publisher = target.publisher()) {
            awaitReady(subs, subscribers);
            connected.run();
            step(target, subs, publisher, sink, startRate, Duration.ofSeconds(2)); // warm-up
            List<Step> steps = new ArrayList<>();
            Optional<Step> best = Optional.empty();
            Search search = Search.START;
            OptionalDouble rate = OptionalDouble.of(startRate);
            while (rate.isPresent() && steps.size() < settings.maxSteps()) {
                Step s =
                        step(
                                target,
                                subs,
                                publisher,
                                sink,
                                rate.getAsDouble(),
                                settings.stepDuration());
                steps.add(s);
                LOG.log(System.Logger.Level.INFO, () -> describe(target, s));
                if (s.passed()) {
                    best = Optional.of(best.map(b -> better(b, s)).orElse(s));
                }
                search = search.after(s);
                rate = search.next(s, settings.p99Limit());
            }
            return new Result(target.name(), subscribers, steps, best);
        }
    }

    private Step step(
            FanoutTarget target,
            Subscribers subs,
            Publisher publisher,
            Deliveries sink,
            double rate,
            Duration duration)
            throws Exception {
        Deliveries.Step current = sink.nextStep();
        int open = subs.ready();
        int endedBefore = subs.ended();
        long failedBefore = publisher.failed();
        long serverCpu = target.serverCpuNanos();
        long clientCpu = selfCpuNanos();
        long start = System.nanoTime();
        OpenLoop.Stats stats =
                OpenLoop.run(
                        rate,
                        duration,
                        (long) (rate * duration.toSeconds() * 2) + 10,
                        (i, due) -> publisher.publish(seq++, due));
        long expected = stats.sent() * open;
        long drainUntil = System.nanoTime() + settings.p99Limit().toNanos() * 10;
        while (current.count() < expected && System.nanoTime() < drainUntil) {
            ServiceJvm.pause(Duration.ofMillis(20));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // At least the step's length: a step of one message at a low rate ends its sending at once.
        double sendSeconds = Math.max(stats.elapsed().toNanos(), duration.toNanos()) / 1e9;
        Percentiles p = current.latency().percentiles();
        Optional<String> failure = Optional.empty();
        if (p.p99() > settings.p99Limit().toNanos() / 1000) {
            failure = Optional.of("p99 " + p.p99() / 1000 + " ms");
        } else if (current.count() < expected) {
            failure = Optional.of((expected - current.count()) + " deliveries missing");
        } else if (subs.ended() > endedBefore) {
            failure = Optional.of((subs.ended() - endedBefore) + " subscribers dropped");
        } else if (publisher.failed() > failedBefore) {
            failure = Optional.of((publisher.failed() - failedBefore) + " publishes failed");
        } else {
            failure = behind(stats.sent(), rate, duration);
        }
        return new Step(
                rate,
                open,
                stats.sent(),
                current.count(),
                current.count() / sendSeconds,
                p,
                (target.serverCpuNanos() - serverCpu) / 1e9 / seconds,
                (selfCpuNanos() - clientCpu) / 1e9 / seconds,
                failure,
                current.latency());
    }

    /** Why a step that made {@code sent} sends did not run at {@code rate}; empty if it did. */
    static Optional<String> behind(long sent, double rate, Duration duration) {
        long scheduled = (long) (rate * duration.toNanos() / 1e9);
        return sent < scheduled * MIN_SENT_SHARE
                ? Optional.of("publisher fell behind: " + sent + " of " + scheduled + " sent")
                : Optional.empty();
    }

    /**
     * Where a ramp stands: the highest rate that passed and the lowest that failed. Until a step
     * fails the rate grows; then each step halves the gap, so the result is known to within {@link
     * #RESOLUTION} (one x1.4 step alone would leave any two results 40% apart, too coarse to tell
     * what one stalled subscriber costs).
     */
    record Search(double highestPass, double lowestFail) {
        static final double RESOLUTION = 1.05;
        static final Search START = new Search(0, Double.POSITIVE_INFINITY);

        Search after(Step s) {
            return s.passed()
                    ? new Search(Math.max(highestPass, s.rate()), lowestFail)
                    : new Search(highestPass, Math.min(lowestFail, s.rate()));
        }

        /** The rate of the step after {@code last}; empty when the search is done. */
        OptionalDouble next(Step last, Duration p99Limit) {
            if (lowestFail == Double.POSITIVE_INFINITY) {
                boolean easy = last.latency().p99() * 4 < p99Limit.toNanos() / 1000;
                return OptionalDouble.of(last.rate() * (easy ? FAST_GROWTH : SLOW_GROWTH));
            }
            if (highestPass == 0 || lowestFail <= highestPass * RESOLUTION) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of((highestPass + lowestFail) / 2);
        }
    }

    /**
     * Of two passing steps, the one with more deliveries/s ({@code best} on a tie): a bisecting
     * step may deliver less than the step before it, right after an overloaded one.
     */
    static Step better(Step best, Step passed) {
        return best.deliveriesPerSecond() >= passed.deliveriesPerSecond() ? best : passed;
    }

    private static void awaitReady(Subscribers subs, int count) {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (subs.ready() < count) {
            if (System.nanoTime() > deadline) {
                throw new BenchException(
                        "only " + subs.ready() + " of " + count + " subscribers connected");
            }
            ServiceJvm.pause(Duration.ofMillis(50));
        }
    }

    private static long selfCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static String describe(FanoutTarget target, Step s) {
        return String.format(
                "%s x%d: %.0f msg/s -> %.0f deliveries/s, p99 %.1f ms, server CPU %.0f%%,"
                        + " bench CPU %.0f%% %s",
                target.name(),
                s.subscribers(),
                s.rate(),
                s.deliveriesPerSecond(),
                s.latency().p99() / 1000.0,
                100 * s.serverCpu(),
                100 * s.clientCpu(),
                s.failure().map(f -> "FAIL: " + f).orElse("ok"));
    }
}
