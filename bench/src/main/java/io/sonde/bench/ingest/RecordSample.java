package io.sonde.bench.ingest;

import io.sonde.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The sizes of one record the gateway really wrote: key, value and headers, to show that the
 * baseline's record size matches the value and what the gateway sends on top of it.
 */
record RecordSample(int keyBytes, int valueBytes, int headerBytes, List<String> headers) {

    static RecordSample first(LocalStack stack) {
        String topic = stack.kafka().topics().telemetry().name();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        stack.kafka().clientProperties("sonde-bench-sample"),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            for (int attempt = 0; attempt < 5; attempt++) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                    int headerBytes = 0;
                    List<String> names = new java.util.ArrayList<>();
                    for (Header h : r.headers()) {
                        headerBytes +=
                                h.key().length() + (h.value() == null ? 0 : h.value().length);
                        names.add(h.key());
                    }
                    return new RecordSample(
                            r.key() == null ? 0 : r.key().length,
                            r.value().length,
                            headerBytes,
                            names);
                }
            }
        }
        return new RecordSample(-1, -1, -1, List.of());
    }
}
