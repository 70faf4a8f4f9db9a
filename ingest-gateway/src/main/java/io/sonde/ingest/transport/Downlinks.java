package io.sonde.ingest.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.sonde.ingest.protocol.Rejection;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Error;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;

/**
 * Encoding of the device protocol (docs/device-protocol.md): protobuf on binary frames, the proto3
 * JSON mapping on text frames. Stateless and thread-safe.
 */
public final class Downlinks {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer()
                    .omittingInsignificantWhitespace()
                    .alwaysPrintFieldsWithNoPresence();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private Downlinks() {}

    static Downlink ack(long seq) {
        return Downlink.newBuilder().setAck(Ack.newBuilder().setSeq(seq)).build();
    }

    static Downlink error(Rejection r, long seq) {
        return Downlink.newBuilder()
                .setError(
                        Error.newBuilder()
                                .setCode(r.code())
                                .setMessage(r.message())
                                .setSeq(seq)
                                .setRetryAfterMs(
                                        (int) Math.min(Integer.MAX_VALUE, r.retryAfterMs())))
                .build();
    }

    /** A Downlink, or an Ack alone (the HTTP answer), in the proto3 JSON mapping. */
    static String toJson(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a protocol message always prints as JSON", e);
        }
    }

    static Uplink parseJson(String text) throws InvalidProtocolBufferException {
        Uplink.Builder builder = Uplink.newBuilder();
        PARSER.merge(text, builder);
        return builder.build();
    }

    /** The HTTP body {@code TelemetryBatch} in the proto3 JSON mapping. */
    static TelemetryBatch parseBatchJson(String text) throws InvalidProtocolBufferException {
        TelemetryBatch.Builder builder = TelemetryBatch.newBuilder();
        PARSER.merge(text, builder);
        return builder.build();
    }
}
