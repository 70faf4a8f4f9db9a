package io.sonde.ingest.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sonde.ingest.config.IngestConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.observability.TraceContext;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TelemetryRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The gateway's one Kafka producer, shared by every connection: transactional, {@code acks=all},
 * grouping the batches of many devices in one transaction ({@link TransactionalSender}). {@link
 * #write} completes only when every record of the batch is committed, which is when the device may
 * be acknowledged.
 *
 * <p>Threads: {@code write} may be called from any thread and never blocks. The returned future
 * completes on the sender's thread: callers must not do blocking work in its continuations.
 */
public final class TelemetryPublisher implements TelemetryWriter, AutoCloseable {
    private final TransactionalSender sender;
    private final Topic<String, TelemetryRecord> topic;
    private final Tracer tracer;
    private final AtomicReference<KafkaClientMetrics> clientMetrics = new AtomicReference<>();

    public TelemetryPublisher(
            KafkaConfig kafka, IngestConfig config, Tracer tracer, MeterRegistry meters) {
        Map<String, Object> props = IngestProducer.transactional(kafka, "sonde-ingest-gateway");
        this.sender =
                new TransactionalSender(
                        () -> {
                            KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props);
                            KafkaClientMetrics bound = new KafkaClientMetrics(p);
                            bound.bindTo(meters);
                            // A replaced producer's meters go with it.
                            Optional.ofNullable(clientMetrics.getAndSet(bound))
                                    .ifPresent(KafkaClientMetrics::close);
                            return p;
                        },
                        config.maxQueuedBytes(),
                        config.transactionLinger(),
                        meters);
        this.topic = kafka.topics().telemetry();
        this.tracer = tracer;
    }

    /**
     * Writes every reading of {@code batch} as one record keyed by {@code deviceId}, so a device's
     * readings stay in order on one partition.
     *
     * @return completes when the transaction holding all records committed, or exceptionally when
     *     it did not (then none of them is visible to {@code read_committed} readers)
     */
    @Override
    public CompletableFuture<Void> write(
            String deviceId, TelemetryBatch batch, List<byte[]> wire, long receivedNanos) {
        Span span = startSpan(batch);
        Context context = Context.current().with(span);
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        // One span per batch: its context is encoded once and shared by every record's headers.
        RecordHeaders trace = new RecordHeaders();
        TraceContext.inject(context, trace);
        Header[] headers = trace.toArray();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.getReadingsCount());
        long bytes = 0;
        for (byte[] reading : wire) {
            byte[] value;
            try {
                value = RecordEncoder.record(key, reading, receivedNanos);
            } catch (IOException e) {
                // The bytes parsed as a Reading a moment ago; nothing of the batch is sent.
                endSpan(span, e);
                return CompletableFuture.failedFuture(WriteFailure.of(e));
            }
            bytes += key.length + value.length;
            records.add(
                    new ProducerRecord<>(
                            topic.name(), null, key, value, new RecordHeaders(headers)));
        }
        return sender.submit(records, bytes)
                .whenComplete((ok, error) -> endSpan(span, error))
                .exceptionallyCompose(
                        error -> CompletableFuture.failedFuture(WriteFailure.of(error)));
    }

    /** Commits the transaction being gathered now, so owed acks need not wait for its linger. */
    @Override
    public void flush() {
        sender.flush();
    }

    @Override
    public void close() {
        sender.close();
        Optional.ofNullable(clientMetrics.get()).ifPresent(KafkaClientMetrics::close);
    }

    private Span startSpan(TelemetryBatch batch) {
        Context parent = Context.root();
        String traceparent = batch.getReadings(0).getTraceparent();
        if (!traceparent.isEmpty()) {
            parent = TraceContext.fromTraceparent(traceparent);
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
            span.recordException(error);
        }
        span.end();
    }
}
