package io.sonde.bench.streams;

import io.sonde.bench.BenchException;
import io.sonde.bench.TopicAdmin;
import io.sonde.bench.load.TypicalReading;
import io.sonde.ingest.kafka.IngestProducer;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the telemetry topic the way the ingest gateway does (same producer settings, key = device
 * id, value = TelemetryRecord): {@code devices} devices, one reading per device per second of event
 * time, ending now, so windows open and close as they would live and no reading is late.
 */
final class Prefill {
    private Prefill() {}

    /**
     * @return the records written
     */
    static long write(LocalStack stack, long records, int devices) {
        String topic = stack.kafka().topics().telemetry().name();
        long steps = Math.max(1, records / devices);
        long startNanos = (System.currentTimeMillis() - steps * 1000) * 1_000_000L;
        long written = 0;
        TelemetryRecord template = TypicalReading.record("bench-0", 1);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        IngestProducer.properties(stack.kafka(), "sonde-bench-prefill"))) {
            for (long step = 0; step < steps; step++) {
                long time = startNanos + step * 1_000_000_000L;
                for (int d = 0; d < devices && written < records; d++) {
                    String id = "bench-" + d;
                    TelemetryRecord r =
                            template.toBuilder()
                                    .setDeviceId(id)
                                    .setSeq(step + 1)
                                    .setTimeUnixNano(time)
                                    .setReceivedUnixNano(time + 2_000_000)
                                    .putMetrics("temperature", 20 + (step + d) % 70 / 10.0)
                                    .build();
                    producer.send(
                            new ProducerRecord<>(
                                    topic, id.getBytes(StandardCharsets.UTF_8), r.toByteArray()));
                    written++;
                }
            }
            producer.flush();
        }
        long inTopic = TopicAdmin.endOffsetSum(stack.kafka(), topic);
        if (inTopic != written) {
            throw new BenchException(
                    "pre-fill wrote " + written + " but the topic holds " + inTopic);
        }
        return written;
    }
}
