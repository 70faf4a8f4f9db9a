package io.sonde.push.kafka;

import io.sonde.platform.kafka.Topic;
import io.sonde.platform.observability.TraceContext;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Log;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One log the gateway serves: its topic and how its records become events. Shared by the live
 * fan-out consumer and the replays of history.
 *
 * @param log the log's role, as cursors name it
 * @param topic the topic, with its serdes
 * @param events what a record (key, value or null) means for the channels
 * @param eventTime the device time (epoch ms) a value's event is about, 0 when it has none
 */
record LogSource<V>(Log log, Topic<String, V> topic, Events<V> events, EventTime<V> eventTime) {
    /** A log whose events carry no device time. */
    LogSource(Log log, Topic<String, V> topic, Events<V> events) {
        this(log, topic, events, value -> 0);
    }

    /** The device time of a record's event. */
    @FunctionalInterface
    interface EventTime<V> {
        long millis(V value);
    }

    /** Turns one record into emits. */
    @FunctionalInterface
    interface Events<V> {
        /**
         * @param traceparent the record's {@code traceparent} header, checked; empty when none
         */
        List<Emit> of(String key, V value, String traceparent);
    }

    /**
     * The emits of a raw record.
     *
     * @throws SerializationException when the record is not readable
     */
    List<Emit> emits(ConsumerRecord<byte[], byte[]> record) {
        return emits(record, millis -> {});
    }

    /**
     * The emits of a raw record, telling {@code deviceTime} the event's device time (epoch ms) when
     * it has one; the value is read once.
     */
    List<Emit> emits(ConsumerRecord<byte[], byte[]> record, LongConsumer deviceTime) {
        String key = key(record);
        V value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        if (value != null) {
            long millis = eventTime.millis(value);
            if (millis > 0) {
                deviceTime.accept(millis);
            }
        }
        return events.of(key, value, TraceContext.traceparent(record.headers()).orElse(""));
    }

    /** The record key, a device id; null when absent. */
    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
