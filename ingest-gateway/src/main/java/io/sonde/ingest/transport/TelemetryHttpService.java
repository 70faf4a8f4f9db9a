package io.sonde.ingest.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.ingest.kafka.RecordEncoder;
import io.sonde.ingest.protocol.Rejection;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.InvalidTokenException;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.TelemetryBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /v1/telemetry}: the HTTP fallback for devices that cannot keep a WebSocket
 * (docs/device-protocol.md). The body is one {@code TelemetryBatch}, protobuf or JSON; the answer
 * is an {@code Ack} in the same encoding once the batch is durable, or a JSON error.
 */
public final class TelemetryHttpService implements HttpService {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngestContext context;

    public TelemetryHttpService(IngestContext context) {
        this.context = context;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/telemetry", this::post);
    }

    private void post(ServerRequest req, ServerResponse res) throws IOException {
        Optional<String> token = BearerTokens.find(req.headers(), req.query());
        if (token.isEmpty()) {
            error(res, Status.UNAUTHORIZED_401, ErrorCode.UNAUTHENTICATED, "missing token", 0);
            return;
        }
        VerifiedToken device;
        try {
            device = context.verifier().verify(token.get(), TokenVerifier.INGEST_AUDIENCE);
        } catch (InvalidTokenException e) {
            error(res, Status.UNAUTHORIZED_401, ErrorCode.UNAUTHENTICATED, e.getMessage(), 0);
            return;
        }
        String type =
                req.headers()
                        .contentType()
                        .map(t -> t.mediaType().text())
                        .orElse("")
                        .toLowerCase(Locale.ROOT);
        boolean json = type.equals("application/json");
        if (!json && !type.equals(PROTOBUF) && !type.equals("application/protobuf")) {
            error(
                    res,
                    Status.UNSUPPORTED_MEDIA_TYPE_415,
                    ErrorCode.INVALID_ARGUMENT,
                    "Content-Type must be " + PROTOBUF + " or application/json",
                    0);
            return;
        }
        int max = context.config().maxMessageBytes();
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readNBytes(max + 1);
        }
        if (body.length > max) {
            error(
                    res,
                    Status.REQUEST_ENTITY_TOO_LARGE_413,
                    ErrorCode.INVALID_ARGUMENT,
                    "body larger than " + max + " bytes",
                    0);
            return;
        }
        context.intake().metrics().received(body.length, false);
        Optional<TelemetryBatch> batch = parse(body, json);
        if (batch.isEmpty()) {
            error(
                    res,
                    Status.BAD_REQUEST_400,
                    ErrorCode.INVALID_ARGUMENT,
                    "body is not a valid TelemetryBatch",
                    0);
            return;
        }
        List<byte[]> wire =
                RecordEncoder.wireReadings(
                        json ? Optional.empty() : Optional.of(body), false, batch.get());
        ingest(res, device.subject(), batch.get(), wire, body.length, json);
    }

    private void ingest(
            ServerResponse res,
            String deviceId,
            TelemetryBatch batch,
            List<byte[]> wire,
            int size,
            boolean json) {
        // One batch per request: the request itself is its ledger (answered once, in order).
        Optional<Rejection> refused = context.intake().submit(deviceId, batch, wire, size).join();
        if (refused.isPresent()) {
            reject(res, refused.get());
            return;
        }
        long lastSeq = batch.getReadings(batch.getReadingsCount() - 1).getSeq();
        Ack ack = Downlinks.ack(lastSeq).getAck();
        if (json) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(Downlinks.toJson(ack));
        } else {
            res.header(HeaderNames.CONTENT_TYPE, PROTOBUF).send(ack.toByteArray());
        }
    }

    private static void reject(ServerResponse res, Rejection r) {
        Status status =
                switch (r.code()) {
                    case RESOURCE_EXHAUSTED -> Status.TOO_MANY_REQUESTS_429;
                    case UNAVAILABLE -> Status.SERVICE_UNAVAILABLE_503;
                    case INVALID_ARGUMENT -> Status.BAD_REQUEST_400;
                    default -> Status.INTERNAL_SERVER_ERROR_500;
                };
        error(res, status, r.code(), r.message(), r.retryAfterMs());
    }

    private static Optional<TelemetryBatch> parse(byte[] body, boolean json) {
        try {
            if (json) {
                return Optional.of(
                        Downlinks.parseBatchJson(new String(body, StandardCharsets.UTF_8)));
            }
            return Optional.of(TelemetryBatch.parseFrom(body));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    static void error(
            ServerResponse res, Status status, ErrorCode code, String message, long retryAfterMs) {
        ObjectNode body = JSON.createObjectNode().put("code", code.name()).put("message", message);
        if (retryAfterMs > 0) {
            res.header(
                    HeaderNames.RETRY_AFTER,
                    Long.toString(Math.max(1, (retryAfterMs + 999) / 1000)));
        }
        res.status(status)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body.toString());
    }
}
