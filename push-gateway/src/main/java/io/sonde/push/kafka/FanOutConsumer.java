package io.sonde.push.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.push.hub.Cursor;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one consumer of one topic in this gateway instance, feeding every session through the hub:
 * never a consumer per socket. It has no consumer group: it assigns itself every partition, so
 * every instance sees every record, and commits nothing (position comes from the start rule, and
 * later from client cursors).
 *
 * <p>Threading: one platform thread per consumer, the only thread touching the KafkaConsumer; the
 * handler runs on it, in offset order per partition.
 */
final class FanOutConsumer<V> implements AutoCloseable {
    /** Where a consumer starts reading when the gateway starts. */
    enum Start {
        /** Replay everything still held: rebuilds an in-memory cache (compacted topics). */
        EARLIEST,
        /** Only what arrives from now on. */
        LATEST
    }

    /** Receives each record; {@code value} is null for a tombstone. */
    interface Handler<V> {
        void handle(String key, V value, Cursor cursor);
    }

    private static final System.Logger LOG = System.getLogger(FanOutConsumer.class.getName());
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final String RECORDS_METRIC = "sonde.push.records";

    /** Name prefix of consumer threads, followed by the log name. */
    static final String THREAD_PREFIX = "sonde-push-consumer-";

    private final Topic<String, V> topic;
    private final String log;
    private final Start start;
    private final Handler<V> handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaClientMetrics clientMetrics;
    private final Counter records;
    private final Counter skipped;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean healthy;
    private volatile boolean caughtUp;
    private volatile boolean started;
    private Map<TopicPartition, Long> startEnds = Map.of();

    FanOutConsumer(
            KafkaConfig kafka,
            Topic<String, V> topic,
            String log,
            Start start,
            Handler<V> handler,
            MeterRegistry meters) {
        this.topic = topic;
        this.log = log;
        this.start = start;
        this.handler = handler;
        String clientId = "sonde-push-" + log + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.consumer = new KafkaConsumer<>(properties(kafka, clientId));
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
        this.records = counter(meters, "fanned_out");
        this.skipped = counter(meters, "skipped");
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
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(kafka.consumer());
        return props;
    }

    void start() {
        started = true;
        thread.start();
    }

    /** Polling without errors. */
    boolean healthy() {
        return healthy && thread.isAlive();
    }

    /** Has read up to where the topic ended when it started: its cache is complete. */
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
                    LOG.log(Level.WARNING, "consumer of " + topic.name() + " failed; retrying", e);
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
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        if (partitions.isEmpty()) {
            throw new KafkaException("topic " + topic.name() + " has no partitions (yet)");
        }
        consumer.assign(partitions);
        if (start == Start.EARLIEST) {
            consumer.seekToBeginning(partitions);
            startEnds = new HashMap<>(consumer.endOffsets(partitions));
        } else {
            consumer.seekToEnd(partitions);
            // Resolve the end now: "live from start" then means from this moment, not from
            // whenever the first poll happens to run.
            partitions.forEach(consumer::position);
            caughtUp = true;
        }
        LOG.log(
                Level.INFO,
                () -> "reading " + topic.name() + " from the " + start.name().toLowerCase());
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
        String key;
        V value;
        try {
            key = topic.keySerde().deserializer().deserialize(record.topic(), record.key());
            value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            skipped.increment();
            LOG.log(
                    Level.WARNING,
                    () -> "skipped an unreadable record of " + record.topic() + ": " + e);
            return;
        }
        try {
            handler.handle(key, value, new Cursor(log, record.partition(), record.offset()));
            records.increment();
        } catch (RuntimeException e) {
            // One bad record must not stop the stream for every subscriber.
            skipped.increment();
            LOG.log(Level.WARNING, "could not publish a record of " + record.topic(), e);
        }
    }

    private Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder(RECORDS_METRIC)
                .description("Kafka records read by the push gateway's fan-out consumers")
                .tag("topic", log)
                .tag("outcome", outcome)
                .register(meters);
    }
}
