package io.sonde.push.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.session.History;
import io.sonde.push.session.SubscriptionMeters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gateway's Kafka side: one fan-out consumer per log, publishing into the hub, and the catch-up
 * readers that replay history. {@code device-state} (compacted) and {@code alerts} are read from
 * the beginning, so that the {@code devices} and {@code alerts} snapshots are whole; {@code
 * telemetry} and {@code aggregates} from {@code snapshotLookback} ago, so that the device channels'
 * snapshots hold the latest reading and windows of every device active in that time.
 */
public final class FanOut implements AutoCloseable {
    /** Longest wait at start for the consumers to get their partitions. */
    static final Duration ASSIGN_WAIT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());

    private final List<FanOutConsumer<?>> consumers;
    private final CatchUp catchUp;

    private FanOut(List<FanOutConsumer<?>> consumers, CatchUp catchUp) {
        this.consumers = consumers;
        this.catchUp = catchUp;
    }

    /** Creates and starts the consumers and readers; they run until {@link #close()}. */
    public static FanOut start(
            KafkaConfig kafka,
            Hub hub,
            Duration snapshotLookback,
            CatchUpSettings catchUp,
            SubscriptionMeters subscriptions,
            MeterRegistry meters,
            RecordSpans spans) {
        Map<Log, LogSource<?>> sources = sources(kafka.topics());
        List<FanOutConsumer<?>> consumers =
                List.of(
                        FanOutConsumer.fromLookback(
                                        kafka,
                                        sources.get(Log.TELEMETRY),
                                        snapshotLookback,
                                        hub,
                                        meters)
                                .tracing(spans),
                        FanOutConsumer.fromLookback(
                                kafka, sources.get(Log.AGGREGATES), snapshotLookback, hub, meters),
                        FanOutConsumer.fromBeginning(
                                kafka, sources.get(Log.DEVICE_STATE), hub, meters),
                        FanOutConsumer.fromBeginning(kafka, sources.get(Log.ALERTS), hub, meters)
                                .tracing(spans));
        CatchUp history = new CatchUp(kafka, sources, hub, catchUp, subscriptions, meters);
        FanOut fanOut = new FanOut(consumers, history);
        consumers.forEach(FanOutConsumer::start);
        history.start();
        fanOut.awaitAssigned();
        return fanOut;
    }

    // Each log, and how its records become events: the live consumers and the replays share them.
    private static Map<Log, LogSource<?>> sources(Topics topics) {
        return Map.of(
                Log.TELEMETRY,
                new LogSource<>(
                        Log.TELEMETRY,
                        topics.telemetry(),
                        RecordEvents::telemetry,
                        r -> r.getTimeUnixNano() / 1_000_000),
                Log.AGGREGATES,
                new LogSource<>(Log.AGGREGATES, topics.aggregates(), RecordEvents::aggregate),
                Log.DEVICE_STATE,
                new LogSource<>(
                        Log.DEVICE_STATE,
                        topics.deviceState(),
                        RecordEvents::deviceState,
                        // Going offline is news about an old reading, not a late event.
                        d -> d.getOnline() ? d.getLastSeenMs() : 0),
                Log.ALERTS,
                new LogSource<>(
                        Log.ALERTS,
                        topics.alerts(),
                        RecordEvents::alert,
                        a -> a.getClearedAtMs() > 0 ? a.getClearedAtMs() : a.getRaisedAtMs()));
    }

    /**
     * Returns once every consumer has its partitions, so that streams can start as soon as the
     * server answers; after {@link #ASSIGN_WAIT} it returns anyway, and streams are refused with a
     * 503 until then (readiness says which consumer is not polling).
     */
    private void awaitAssigned() {
        long deadline = System.nanoTime() + ASSIGN_WAIT.toNanos();
        try {
            for (FanOutConsumer<?> c : consumers) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!c.awaitAssigned(left)) {
                    LOG.log(
                            Level.WARNING,
                            "a fan-out consumer has no partitions yet; streams wait");
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where replays of history come from. */
    public History history() {
        return catchUp;
    }

    /** Every consumer is polling without errors. */
    public boolean healthy() {
        return consumers.stream().allMatch(FanOutConsumer::healthy);
    }

    /** Every consumer has read what was in its log at start: snapshots are complete. */
    public boolean caughtUp() {
        return consumers.stream().allMatch(FanOutConsumer::caughtUp);
    }

    @Override
    public void close() {
        catchUp.close();
        consumers.forEach(FanOutConsumer::close);
    }
}
