package io.sonde.push.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.History.Replay;
import io.sonde.push.session.SubscriptionMeters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One reader of history: takes every replay waiting (up to 1,000), groups those of a log whose
 * positions lie close together ({@link ReplayGroup}), seeks its own consumer to each group's lowest
 * positions (after a {@code gap} notice for replays whose positions expired), hands each record to
 * the replays that want it, and after every poll asks the hub to join each replay at the positions
 * it read. The hub refuses while its live stream is further on, so the reader reads on; once it
 * joins, live events continue exactly where that replay stopped.
 *
 * <p>Threading: one platform thread, the only one touching its consumer.
 */
final class CatchUpReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CatchUpReader.class.getName());
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration META_TIMEOUT = Duration.ofSeconds(10);
    // Replays taken together from the queue, and so read together where their positions allow.
    private static final int MAX_BATCH = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The catch-up meters of docs/operations.md, shared by the readers. */
    static final class Meters {
        final Counter records;
        final Timer duration;
        final DistributionSummary behind;
        final SubscriptionMeters resumes;

        Meters(MeterRegistry meters, SubscriptionMeters resumes) {
            this.records =
                    Counter.builder("sonde.push.catchup.records")
                            .description("Records read from Kafka to replay history")
                            .register(meters);
            this.duration =
                    Timer.builder("sonde.push.catchup.duration")
                            .description("Time from a replay's start to joining the live stream")
                            .publishPercentileHistogram()
                            .register(meters);
            this.behind =
                    DistributionSummary.builder("sonde.push.catchup.behind")
                            .description("Records between a replay's start and the live stream")
                            .publishPercentileHistogram()
                            .register(meters);
            this.resumes = resumes;
        }
    }

    private final Map<Log, LogSource<?>> sources;
    private final Hub hub;
    private final BlockingQueue<Replay> waiting;
    private final CatchUpSettings settings;
    private final Meters meters;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private long windowStart = System.nanoTime();
    private long windowRecords;

    CatchUpReader(
            KafkaConfig kafka,
            int index,
            Map<Log, LogSource<?>> sources,
            Hub hub,
            BlockingQueue<Replay> waiting,
            CatchUpSettings settings,
            Meters meters) {
        this.sources = sources;
        this.hub = hub;
        this.waiting = waiting;
        this.settings = settings;
        this.meters = meters;
        String clientId =
                "sonde-push-history-" + index + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> props = FanOutConsumer.properties(kafka, clientId);
        // A replay that reached the end must not wait half a second for more before joining.
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        this.consumer = new KafkaConsumer<>(props);
        this.thread = Thread.ofPlatform().name("sonde-push-history-" + index).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopping.countDown();
        consumer.wakeup();
    }

    @Override
    public void close() {
        stop();
        if (thread.isAlive() || thread.getState() != Thread.State.NEW) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private void run() {
        List<Replay> batch = new ArrayList<>();
        try {
            while (stopping.getCount() > 0) {
                Replay first = waiting.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // Everyone who is waiting now is served by the same reads.
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                Map<Log, List<Replay>> byLog = new EnumMap<>(Log.class);
                for (Replay r : batch) {
                    if (r.stillWanted()) {
                        byLog.computeIfAbsent(r.log(), l -> new ArrayList<>()).add(r);
                    }
                }
                batch.clear();
                for (Map.Entry<Log, List<Replay>> e : byLog.entrySet()) {
                    serveAll(e.getKey(), e.getValue());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Serves the replays of one log, group after group. A failed read ends the sessions it had not
     * yet joined, with the reason; those are told to come back.
     */
    private void serveAll(Log log, List<Replay> replays) throws InterruptedException {
        List<ReplayGroup> groups;
        try {
            groups = ReplayGroup.of(log, start(log, replays));
        } catch (KafkaException e) { // also the WakeupException of a stop: end() tells them apart
            replays.forEach(r -> end(r, e));
            return;
        }
        for (int i = 0; i < groups.size(); i++) {
            try {
                serve(groups.get(i), sources.get(log));
            } catch (
                    KafkaException
                            e) { // also the WakeupException of a stop: end() tells them apart
                groups.subList(i, groups.size())
                        .forEach(g -> g.forEachActive(r -> end(r.replay, e)));
                return;
            }
        }
    }

    private static void end(Replay replay, RuntimeException cause) {
        if (cause instanceof WakeupException) {
            replay.session().close(CloseReason.shutdown());
            return;
        }
        LOG.log(Level.WARNING, "could not read history; the client is told to retry", cause);
        replay.session().close(CloseReason.unavailable("history could not be read"));
    }

    /**
     * Where each replay starts: its positions, raised to the oldest record held (after a {@code
     * gap} notice) and lowered to the end of the log.
     */
    private List<ReplayGroup.Reading> start(Log log, List<Replay> replays)
            throws InterruptedException {
        String topic = sources.get(log).topic().name();
        Set<TopicPartition> partitions = new HashSet<>();
        replays.forEach(r -> r.from().keySet().forEach(p -> partitions.add(tp(topic, p))));
        Map<TopicPartition, Long> oldest = consumer.beginningOffsets(partitions, META_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, META_TIMEOUT);
        List<ReplayGroup.Reading> readings = new ArrayList<>();
        for (Replay replay : replays) {
            long started = System.nanoTime();
            Map<Integer, Long> from = new TreeMap<>();
            boolean expired = false;
            for (Map.Entry<Integer, Long> e : replay.from().entrySet()) {
                TopicPartition tp = tp(topic, e.getKey());
                long at = e.getValue();
                long held = oldest.getOrDefault(tp, 0L);
                if (at < held) {
                    expired = true;
                    at = held;
                }
                // A position past the end (a cursor of a topic since deleted and recreated) must
                // not trip the consumer's reset to the beginning: read from the end.
                from.put(e.getKey(), Math.min(at, ends.getOrDefault(tp, at)));
            }
            if (expired && !offerGap(replay, from)) {
                continue;
            }
            meters.behind.record(behind(replay, from));
            readings.add(new ReplayGroup.Reading(replay, from, expired, started));
        }
        return readings;
    }

    private void serve(ReplayGroup group, LogSource<?> source) throws InterruptedException {
        String topic = source.topic().name();
        Map<Integer, TopicPartition> partitions = new TreeMap<>();
        group.start().keySet().forEach(p -> partitions.put(p, tp(topic, p)));
        consumer.assign(partitions.values());
        group.start().forEach((p, offset) -> consumer.seek(partitions.get(p), offset));
        ReplayGroup.Outcomes outcomes =
                new ReplayGroup.Outcomes() {
                    @Override
                    public void joined(ReplayGroup.Reading r) {
                        meters.resumes.resumed(r.expired);
                        meters.duration.record(
                                System.nanoTime() - r.startedNanos, TimeUnit.NANOSECONDS);
                    }

                    @Override
                    public void requeue(Replay rest) {
                        // Its outcome (exact or after a gap) is counted when it joins, as exact.
                        if (!waiting.offer(rest)) {
                            rest.session()
                                    .close(CloseReason.unavailable("too many clients catching up"));
                        }
                    }
                };
        while (stopping.getCount() > 0) {
            group.joinAll(hub, outcomes);
            if (group.isEmpty()) {
                return;
            }
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                n++;
                group.dispatch(record, source, settings.clientWait(), outcomes);
            }
            // Positions also move past transaction markers, which no record shows.
            Map<Integer, Long> positions = new TreeMap<>();
            partitions.forEach((p, tp) -> positions.put(p, consumer.position(tp)));
            group.advance(positions);
            meters.records.increment(n);
            throttle(n);
        }
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    private boolean offerGap(Replay replay, Map<Integer, Long> read) throws InterruptedException {
        ObjectNode node = JSON.createObjectNode().put("reason", "expired");
        replay.channels().forEach(node.putArray("channels")::add);
        String data = node.toString();
        PushEvent gap =
                new PushEvent(
                        replay.channels().get(0),
                        PushEvent.GAP,
                        data,
                        replay.log(),
                        -1,
                        -1,
                        Cursor.of(replay.log(), read));
        return replay.session().offerReplay(gap, settings.clientWait());
    }

    private long behind(Replay replay, Map<Integer, Long> read) {
        Map<Integer, Long> live = hub.live(replay.log(), read.keySet());
        long sum = 0;
        for (Map.Entry<Integer, Long> e : read.entrySet()) {
            sum += Math.max(0, live.get(e.getKey()) - e.getValue());
        }
        return sum;
    }

    /** Keeps a reader under its records-per-second budget, one-second windows. */
    private void throttle(int records) throws InterruptedException {
        windowRecords += records;
        long elapsed = System.nanoTime() - windowStart;
        if (elapsed >= TimeUnit.SECONDS.toNanos(1)) {
            windowStart = System.nanoTime();
            windowRecords = 0;
        } else if (windowRecords >= settings.recordsPerSecond()) {
            stopping.await(TimeUnit.SECONDS.toNanos(1) - elapsed, TimeUnit.NANOSECONDS);
            windowStart = System.nanoTime();
            windowRecords = 0;
        }
    }
}
