package io.sonde.push.kafka;

import io.sonde.platform.kafka.Topic;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Log;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One log the gateway serves: its topic and how its records become events. Shared by the live
 * fan-out consumer and the replays of history.
 *
 * @param log the log's role, as cursors name it
 * @param topic the topic, with its serdes
 * @param events what a record (key, value or null) means for the channels
 */
record LogSource<V>(Log log, Topic<String, V> topic, Events<V> events) {
    /** Turns one record into emits. */
    @FunctionalInterface
    interface Events<V> {
        List<Emit> of(String key, V value);
    }

    /**
     * The emits of a raw record.
     *
     * @throws SerializationException when the record is not readable
     */
    List<Emit> emits(ConsumerRecord<byte[], byte[]> record) {
        String key = key(record);
        V value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        return events.of(key, value);
    }

    /** The record key, a device id; null when absent. */
    static String key(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }
}
