package io.sonde.ingest.kafka;

import io.sonde.proto.v1.TelemetryBatch;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where an admitted batch goes: {@link TelemetryPublisher} writes it to Kafka. The seam lets the
 * routing tests run the WebSocket and HTTP paths without a broker.
 */
public interface TelemetryWriter {
    /**
     * Writes every reading of {@code batch} for {@code deviceId}, received at {@code receivedNanos}
     * (Unix time); {@code wire} holds each reading's protobuf bytes, in order.
     *
     * @return completes once every reading is durable, or exceptionally with the first failure as a
     *     {@link WriteFailure}; it may complete on an I/O thread, so continuations must not block
     */
    CompletableFuture<Void> write(
            String deviceId, TelemetryBatch batch, List<byte[]> wire, long receivedNanos);

    /** Pushes out anything buffered, so that what is owed completes soon; may block briefly. */
    void flush();
}
