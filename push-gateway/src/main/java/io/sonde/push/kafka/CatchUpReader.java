package io.sonde.push.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Join;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.History.Replay;
import io.sonde.push.session.SubscriptionMeters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One reader of history: takes a replay, seeks its own consumer to the replay's positions (after a
 * {@code gap} notice for any that expired), offers the replay's events to the session, and after
 * every poll asks the hub to join the session at the positions read. The hub refuses while its live
 * stream is further on, so the reader reads on; once it joins, live events continue exactly where
 * the replay stopped.
 *
 * <p>Threading: one platform thread, the only one touching its consumer.
 */
final class CatchUpReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CatchUpReader.class.getName());
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration META_TIMEOUT = Duration.ofSeconds(10);
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
        try {
            while (stopping.getCount() > 0) {
                Replay replay = waiting.poll(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (replay == null || !replay.stillWanted()) {
                    continue;
                }
                try {
                    serve(replay);
                } catch (WakeupException e) {
                    replay.session().close(CloseReason.shutdown());
                } catch (KafkaException e) {
                    LOG.log(
                            Level.WARNING,
                            "could not read history; the client is told to retry",
                            e);
                    replay.session().close(CloseReason.unavailable("history could not be read"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void serve(Replay replay) throws InterruptedException {
        long started = System.nanoTime();
        LogSource<?> source = sources.get(replay.log());
        Map<Integer, TopicPartition> partitions = new TreeMap<>();
        replay.from()
                .keySet()
                .forEach(p -> partitions.put(p, new TopicPartition(source.topic().name(), p)));
        consumer.assign(partitions.values());
        Map<TopicPartition, Long> oldest =
                consumer.beginningOffsets(partitions.values(), META_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions.values(), META_TIMEOUT);
        Map<Integer, Long> read = new TreeMap<>();
        boolean expired = false;
        for (Map.Entry<Integer, TopicPartition> e : partitions.entrySet()) {
            long from = replay.from().get(e.getKey());
            long held = oldest.getOrDefault(e.getValue(), 0L);
            if (from < held) {
                expired = true;
                from = held;
            }
            // A position past the end (a cursor of a topic since deleted and recreated) must not
            // trip the consumer's reset to the beginning: read from the end.
            from = Math.min(from, ends.getOrDefault(e.getValue(), from));
            read.put(e.getKey(), from);
            consumer.seek(e.getValue(), from);
        }
        if (expired && !offerGap(replay, read)) {
            return;
        }
        meters.behind.record(behind(replay, read));
        Filter filter = new Filter(replay.channels());
        while (stopping.getCount() > 0) {
            Join join =
                    hub.join(
                            replay.log(),
                            replay.channels(),
                            replay.session(),
                            read,
                            false,
                            replay::stillWanted);
            if (!(join instanceof Join.Behind)) {
                if (join instanceof Join.Joined) {
                    meters.resumes.resumed(expired);
                    meters.duration.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                }
                return;
            }
            if (!readOnce(replay, source, filter, partitions, read)) {
                return;
            }
        }
    }

    /** One poll; false when the session can take no more. */
    private boolean readOnce(
            Replay replay,
            LogSource<?> source,
            Filter filter,
            Map<Integer, TopicPartition> partitions,
            Map<Integer, Long> read)
            throws InterruptedException {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
            n++;
            read.put(record.partition(), record.offset() + 1);
            if (!filter.wants(record)) {
                continue;
            }
            List<Emit> emits;
            try {
                emits = source.emits(record);
            } catch (SerializationException e) {
                continue; // the live consumer counts and logs it
            }
            for (Emit emit : emits) {
                if (emit.name() == null || !replay.channels().contains(emit.channel())) {
                    continue;
                }
                Cursor cursor =
                        Channels.isFleet(emit.channel())
                                ? Cursor.of(replay.log(), read)
                                : Cursor.of(replay.log(), record.partition(), record.offset() + 1);
                PushEvent event =
                        new PushEvent(
                                emit.channel(),
                                emit.name(),
                                emit.data(),
                                replay.log(),
                                record.partition(),
                                record.offset(),
                                cursor);
                if (!replay.session().offerReplay(event, settings.clientWait())) {
                    return false;
                }
            }
        }
        // Positions also move past transaction markers, which no record shows.
        partitions.forEach((p, tp) -> read.put(p, Math.max(read.get(p), consumer.position(tp))));
        meters.records.increment(n);
        throttle(n);
        return replay.stillWanted();
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

    /**
     * Skips records by key before decoding them when every channel of the replay follows one
     * device: most records of a partition belong to other devices.
     */
    private static final class Filter {
        private final Optional<Set<String>> devices;

        Filter(List<String> channels) {
            Set<String> ids = new HashSet<>();
            boolean fleet = false;
            for (String channel : channels) {
                Optional<String> device = Channels.device(channel);
                if (device.isEmpty()) {
                    fleet = true;
                } else {
                    ids.add(device.get());
                }
            }
            this.devices = fleet ? Optional.empty() : Optional.of(ids);
        }

        boolean wants(ConsumerRecord<byte[], byte[]> record) {
            return devices.isEmpty() || devices.get().contains(LogSource.key(record));
        }
    }
}
