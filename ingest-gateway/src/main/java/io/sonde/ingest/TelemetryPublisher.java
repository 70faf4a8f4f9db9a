package io.sonde.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The gateway's one Kafka producer, shared by every connection: idempotent, {@code acks=all},
 * batching across devices. {@link #write} completes only when every record of the batch is durable,
 * which is when the device may be acknowledged.
 *
 * <p>Threads: {@code write} may be called from any thread; it blocks only when the producer's
 * buffer is full (back-pressure onto the calling connection). The returned future completes on the
 * producer's I/O thread: callers must not do blocking work in its continuations.
 */
final class TelemetryPublisher implements TelemetryWriter, AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Topic<String, TelemetryRecord> topic;
    private final Tracer tracer;
    private final KafkaClientMetrics metrics;

    TelemetryPublisher(KafkaConfig kafka, Tracer tracer, MeterRegistry meters) {
        this.producer =
                new KafkaProducer<>(IngestProducer.properties(kafka, "sonde-ingest-gateway"));
        this.topic = kafka.topics().telemetry();
        this.tracer = tracer;
        this.metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(meters);
    }

    /**
     * Writes every reading of {@code batch} as one record keyed by {@code deviceId}, so a device's
     * readings stay in order on one partition.
     *
     * @return completes when all records are acknowledged by the brokers, or exceptionally with the
     *     first failure
     */
    @Override
    public CompletableFuture<Void> write(
            String deviceId, TelemetryBatch batch, long receivedNanos) {
        Span span = startSpan(batch);
        Context context = Context.current().with(span);
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        // One span per batch: its context is encoded once and shared by every record's headers.
        RecordHeaders trace = new RecordHeaders();
        TraceHeaders.inject(context, trace);
        Header[] headers = trace.toArray();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger remaining = new AtomicInteger(batch.getReadingsCount());
        Callback acked =
                (meta, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else if (remaining.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                };
        try {
            for (Reading r : batch.getReadingsList()) {
                byte[] value = toRecord(deviceId, r, receivedNanos).toByteArray();
                producer.send(
                        new ProducerRecord<>(
                                topic.name(), null, key, value, new RecordHeaders(headers)),
                        acked);
            }
        } catch (KafkaException e) {
            done.completeExceptionally(e);
        }
        return done.whenComplete((ok, error) -> endSpan(span, error));
    }

    /** Sends what lingers in the producer's buffer now, so owed acks need not wait for linger. */
    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        metrics.close();
        producer.close(Duration.ofSeconds(10));
    }

    private Span startSpan(TelemetryBatch batch) {
        Context parent = Context.root();
        String traceparent = batch.getReadings(0).getTraceparent();
        if (!traceparent.isEmpty()) {
            parent = TraceHeaders.fromTraceparent(traceparent);
        }
        return tracer.spanBuilder(topic.name() + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "publish")
                .setAttribute("messaging.destination.name", topic.name())
                .setAttribute("messaging.batch.message_count", (long) batch.getReadingsCount())
                .startSpan();
    }

    private static void endSpan(Span span, Throwable error) {
        if (error != null) {
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        }
        span.end();
    }

    private static TelemetryRecord toRecord(String deviceId, Reading r, long receivedNanos) {
        long eventTime = r.getTimeUnixNano() == 0 ? receivedNanos : r.getTimeUnixNano();
        return TelemetryRecord.newBuilder()
                .setDeviceId(deviceId)
                .setSeq(r.getSeq())
                .setTimeUnixNano(eventTime)
                .setReceivedUnixNano(receivedNanos)
                .putAllMetrics(r.getMetricsMap())
                .putAllAttributes(r.getAttributesMap())
                .build();
    }
}
