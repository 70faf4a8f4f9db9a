package io.sonde.platform.kafka;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic as the code sees it: its full name and the serdes of its keys and values.
 * Instances come only from {@link Topics}, so every topic name is spelled once.
 *
 * @param name full topic name, prefix included
 * @param keySerde serde of record keys
 * @param valueSerde serde of record values
 * @param compacted whether the topic keeps only the latest value per key
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }
}
