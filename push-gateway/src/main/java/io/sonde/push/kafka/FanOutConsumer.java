package io.sonde.push.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Log;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one consumer of one log in this gateway instance, feeding every session through the hub:
 * never a consumer per socket. It has no consumer group: it assigns itself every partition, so
 * every instance sees every record, and commits nothing (clients carry their positions in cursors).
 *
 * <p>At start it reads what the snapshots need: a compacted or small log from its beginning, a
 * large one from {@code lookback} ago; {@link #caughtUp()} turns true once it has read up to where
 * the log ended at start, and readiness waits for it. Every record moves the hub's live position,
 * also one that yields no event.
 *
 * <p>Threading: one platform thread per consumer, the only thread touching the KafkaConsumer;
 * records are published on it, in offset order per partition.
 */
final class FanOutConsumer<V> implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FanOutConsumer.class.getName());
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final String RECORDS_METRIC = "sonde.push.records";
    static final String EVENT_AGE_METRIC = "sonde.push.event.age";

    /** Name prefix of consumer threads, followed by the log name. */
    static final String THREAD_PREFIX = "sonde-push-consumer-";

    private final LogSource<V> source;
    // Null: from the beginning.
    private final Duration lookback;
    private final Hub hub;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaClientMetrics clientMetrics;
    private final Counter records;
    private final Counter skipped;
    private final Timer age;
    // Made once: a method reference written in dispatch would be a new object per record.
    private final LongConsumer ageRecorder = this::recordAge;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch assigned = new CountDownLatch(1);
    // Set before start; the consumer thread reads it.
    private RecordSpans spans = RecordSpans.off();
    private volatile boolean healthy;
    private volatile boolean caughtUp;
    private volatile boolean started;
    private Map<TopicPartition, Long> startEnds = Map.of();
    // Per partition, the end offset at start: records from there on were written while this
    // consumer ran, and are live even when they come in the same poll as the last of the history.
    private long[] liveFrom = new long[0];

    /** A consumer that starts at the beginning of its log: a compacted or small one. */
    static <V> FanOutConsumer<V> fromBeginning(
            KafkaConfig kafka, LogSource<V> source, Hub hub, MeterRegistry meters) {
        return new FanOutConsumer<>(kafka, source, null, hub, meters);
    }

    /** A consumer that starts {@code lookback} ago: a large log. */
    static <V> FanOutConsumer<V> fromLookback(
            KafkaConfig kafka,
            LogSource<V> source,
            Duration lookback,
            Hub hub,
            MeterRegistry meters) {
        return new FanOutConsumer<>(kafka, source, lookback, hub, meters);
    }

    private FanOutConsumer(
            KafkaConfig kafka,
            LogSource<V> source,
            Duration lookback,
            Hub hub,
            MeterRegistry meters) {
        this.source = source;
        this.lookback = lookback;
        this.hub = hub;
        String log = source.log().label();
        String clientId = "sonde-push-" + log + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.consumer = new KafkaConsumer<>(properties(kafka, clientId));
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
        this.records = counter(meters, "fanned_out");
        this.skipped = counter(meters, "skipped");
        this.age =
                Timer.builder(EVENT_AGE_METRIC)
                        .description(
                                "From an event's device time to the gateway handing it to its"
                                        + " subscribers' queues, live events only")
                        .tag("event", eventName(source.log()))
                        .publishPercentileHistogram()
                        .register(meters);
        this.thread = Thread.ofPlatform().name(THREAD_PREFIX + log).unstarted(this::run);
    }

    /**
     * A consumer without a group that sees committed records only; the verbatim {@code
     * sonde.kafka.consumer.*} settings win.
     */
    static Map<String, Object> properties(KafkaConfig kafka, String clientId) {
        Map<String, Object> props = kafka.clientProperties(clientId);
        // Streams writes with transactions: never show a reader what was aborted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(kafka.consumer());
        return props;
    }

    /**
     * Makes a {@code "{topic} process"} span per live record (docs/operations.md, Tracing), under
     * the span that wrote it; call before {@link #start}.
     */
    FanOutConsumer<V> tracing(RecordSpans recordSpans) {
        if (started) {
            throw new IllegalStateException("tracing is set before start");
        }
        this.spans = recordSpans;
        return this;
    }

    void start() {
        started = true;
        thread.start();
    }

    /** Polling without errors. */
    boolean healthy() {
        return healthy && thread.isAlive();
    }

    /**
     * Waits until the consumer has its partitions and the hub knows where its live stream starts:
     * before that, no stream of this log can start.
     *
     * @return false when that took longer than {@code timeout}
     */
    boolean awaitAssigned(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Has read up to where the log ended when it started: its snapshots are complete. */
    boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void close() {
        stopping.countDown();
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            clientMetrics.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        clientMetrics.close();
    }

    private void run() {
        try {
            while (stopping.getCount() > 0) {
                try {
                    if (consumer.assignment().isEmpty()) {
                        assign();
                    }
                    poll();
                    healthy = true;
                } catch (WakeupException e) {
                    // close() asked us to stop; the loop condition ends it.
                } catch (KafkaException e) {
                    healthy = false;
                    LOG.log(
                            Level.WARNING,
                            "consumer of " + source.topic().name() + " failed; retrying",
                            e);
                    stopping.await(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            healthy = false;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void assign() {
        String topic = source.topic().name();
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        if (partitions.isEmpty()) {
            throw new KafkaException("topic " + topic + " has no partitions (yet)");
        }
        consumer.assign(partitions);
        startEnds = new HashMap<>(consumer.endOffsets(partitions));
        liveFrom = new long[partitions.size()];
        startEnds.forEach((p, end) -> liveFrom[p.partition()] = end);
        if (lookback == null) {
            consumer.seekToBeginning(partitions);
        } else {
            long from = System.currentTimeMillis() - lookback.toMillis();
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times);
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp at = found.get(p);
                consumer.seek(p, at != null ? at.offset() : startEnds.get(p));
            }
        }
        // The live stream starts where this consumer starts, not at 0: a replay must read up to
        // here before it may join.
        long[] starts = new long[partitions.size()];
        for (TopicPartition p : partitions) {
            starts[p.partition()] = consumer.position(p);
        }
        hub.begin(source.log(), starts);
        assigned.countDown();
        LOG.log(
                Level.INFO,
                () ->
                        "reading "
                                + topic
                                + (lookback == null
                                        ? " from the beginning"
                                        : " from " + lookback + " ago"));
    }

    private void poll() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
            dispatch(record);
        }
        if (!caughtUp) {
            startEnds.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            caughtUp = startEnds.isEmpty();
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        // Live records only: the history read at start is not a delivery.
        boolean live = live(record);
        Span span =
                live
                        ? spans.process(
                                record.headers(),
                                record.topic(),
                                record.partition(),
                                record.offset())
                        : Span.getInvalid();
        try (Scope ignored = span.makeCurrent()) {
            hub.publish(
                    source.log(), record.partition(), record.offset(), emits(record, live, span));
            records.increment();
        } catch (RuntimeException e) {
            // One bad record must not stop the stream for every subscriber.
            skipped.increment();
            failed(span, e);
            LOG.log(Level.WARNING, "could not publish a record of " + record.topic(), e);
        } finally {
            span.end();
        }
    }

    // An unreadable record still moves the live position: it yields no event.
    private List<Emit> emits(ConsumerRecord<byte[], byte[]> record, boolean live, Span span) {
        try {
            // The age of what is fanned out live; the history read at start (alerts and device
            // states from the beginning) would say nothing about how late events are.
            return live ? source.emits(record, ageRecorder) : source.emits(record);
        } catch (SerializationException e) {
            skipped.increment();
            failed(span, e);
            LOG.log(
                    Level.WARNING,
                    () -> "skipped an unreadable record of " + record.topic() + ": " + e);
            return List.of();
        }
    }

    private boolean live(ConsumerRecord<byte[], byte[]> record) {
        return caughtUp
                || record.partition() < liveFrom.length
                        && record.offset() >= liveFrom[record.partition()];
    }

    private static void failed(Span span, RuntimeException e) {
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
        span.recordException(e);
    }

    private static String eventName(Log log) {
        return switch (log) {
            case TELEMETRY -> RecordEvents.TELEMETRY_EVENT;
            case AGGREGATES -> RecordEvents.AGGREGATE_EVENT;
            case DEVICE_STATE -> RecordEvents.DEVICE_EVENT;
            case ALERTS -> RecordEvents.ALERT_EVENT;
        };
    }

    // A device clock may run ahead (up to 5 min is accepted): such an event counts as age 0.
    private void recordAge(long deviceMillis) {
        age.record(Math.max(0, System.currentTimeMillis() - deviceMillis), TimeUnit.MILLISECONDS);
    }

    private Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder(RECORDS_METRIC)
                .description("Kafka records read by the push gateway's fan-out consumers")
                .tag("topic", source.log().label())
                .tag("outcome", outcome)
                .register(meters);
    }
}
