package io.sonde.bench.alerts;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.bench.BenchException;
import io.sonde.bench.LatencyRecorder;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the alerts topic as a program subscribing to alerts would ({@code read_committed}, from the
 * end at start) and records, per alert record, receipt time minus the intended send time of the
 * reading that caused it ({@code raisedAt} for a raise, {@code clearedAt} for a clear: those are
 * the readings' event times, set to their intended send times by {@link AlertLoad}).
 *
 * <p>Threading: one daemon thread polls; {@link #measure} swaps the recorders from the caller's
 * thread (the histograms are concurrent). Alerts of other rules are ignored.
 */
final class AlertWatch implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String ruleId;
    private final AtomicReference<LatencyRecorder> raises = new AtomicReference<>();
    private final AtomicReference<LatencyRecorder> clears = new AtomicReference<>();
    private final AtomicReference<LatencyRecorder> processed = new AtomicReference<>();
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong cleared = new AtomicLong();
    private final Thread thread;
    private volatile RuntimeException failure;

    AlertWatch(LocalStack stack, String ruleId) {
        this.ruleId = ruleId;
        Map<String, Object> props = stack.kafka().clientProperties("sonde-bench-alert-watch");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        String topic = stack.kafka().topics().alerts().name();
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "end" now, before any load
        this.thread = Thread.ofPlatform().daemon().name("bench-alert-watch").start(this::poll);
    }

    /**
     * From now on, record into these (null: count only). {@code processedLatency} takes, per raise,
     * the alert record's timestamp (when the processor handled the reading) minus {@code raisedAt}:
     * the part of the latency before the commit.
     */
    void measure(
            LatencyRecorder raiseLatency,
            LatencyRecorder clearLatency,
            LatencyRecorder processedLatency) {
        raises.set(raiseLatency);
        clears.set(clearLatency);
        processed.set(processedLatency);
    }

    long raised() {
        return raised.get();
    }

    long cleared() {
        return cleared.get();
    }

    private void poll() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    take(Alert.parseFrom(r.value()), r.timestamp(), System.currentTimeMillis());
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop.
        } catch (InvalidProtocolBufferException e) {
            failure = new BenchException("unreadable alert record", e);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void take(Alert a, long recordMs, long nowMs) {
        if (!a.getRuleId().equals(ruleId)) {
            return;
        }
        boolean active = a.getState() == AlertState.ACTIVE;
        (active ? raised : cleared).incrementAndGet();
        LatencyRecorder r = (active ? raises : clears).get();
        if (r != null) {
            long causeMs = active ? a.getRaisedAtMs() : a.getClearedAtMs();
            r.recordMicros((nowMs - causeMs) * 1_000);
        }
        LatencyRecorder p = processed.get();
        if (active && p != null) {
            p.recordMicros((recordMs - a.getRaisedAtMs()) * 1_000);
        }
    }

    /** Stops polling; throws what the poll thread hit, if anything. */
    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10));
        if (failure != null) {
            throw failure;
        }
    }
}
