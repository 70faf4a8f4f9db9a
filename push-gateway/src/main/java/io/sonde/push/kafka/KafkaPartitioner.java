package io.sonde.push.kafka;

import io.sonde.push.hub.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a keyed record (murmur2 of the key bytes), which
 * is where every producer of Sonde's topics puts a device's records: the ingest gateway and Kafka
 * Streams both use it.
 */
public final class KafkaPartitioner implements KeyPartitioner {
    @Override
    public int partition(String deviceId, int partitions) {
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
