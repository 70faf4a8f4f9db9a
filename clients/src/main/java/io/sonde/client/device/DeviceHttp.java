package io.sonde.client.device;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.TelemetryBatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The HTTP fallback of the device protocol (docs/device-protocol.md): {@code POST /v1/telemetry}
 * with one {@code TelemetryBatch}, answered with an {@code Ack} once durable or with a JSON error.
 *
 * <p>Thread-safe: one instance may post for many devices (the token goes with each call).
 */
public final class DeviceHttp {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final HttpClient http;
    private final URI endpoint;
    private final WireFormat format;

    /**
     * @param endpoint e.g. {@code http://localhost:8081/v1/telemetry}
     * @param format the body's encoding: protobuf or proto3 JSON
     */
    public DeviceHttp(HttpClient http, URI endpoint, WireFormat format) {
        this.http = http;
        this.endpoint = endpoint;
        this.format = format;
    }

    /**
     * The gateway's answer.
     *
     * @param status the HTTP status
     * @param ack the {@code Ack} of a 200
     * @param code the error's {@code code} otherwise, e.g. {@code RESOURCE_EXHAUSTED}
     * @param message the error's {@code message}
     * @param retryAfterSeconds the {@code Retry-After} header, when sent
     */
    public record Response(
            int status,
            Optional<Ack> ack,
            Optional<String> code,
            Optional<String> message,
            OptionalLong retryAfterSeconds) {}

    /** Posts {@code batch} as the device of {@code token}. */
    public Response post(String token, TelemetryBatch batch)
            throws IOException, InterruptedException {
        byte[] body =
                format == WireFormat.PROTOBUF
                        ? batch.toByteArray()
                        : JsonFormat.printer().print(batch).getBytes(StandardCharsets.UTF_8);
        return post(token, format == WireFormat.PROTOBUF ? PROTOBUF : JSON, body);
    }

    /** Posts raw bytes with any content type: for tests of what the gateway refuses. */
    public Response post(String token, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return send(request(contentType, body).header("Authorization", "Bearer " + token));
    }

    /** Posts without any token: for tests of what the gateway refuses. */
    public Response postWithoutToken(String contentType, byte[] body)
            throws IOException, InterruptedException {
        return send(request(contentType, body));
    }

    private HttpRequest.Builder request(String contentType, byte[] body) {
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private Response send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        OptionalLong retryAfter =
                response.headers()
                        .firstValue("Retry-After")
                        .map(v -> OptionalLong.of(Long.parseLong(v.trim())))
                        .orElse(OptionalLong.empty());
        boolean json = response.headers().firstValue("Content-Type").orElse("").startsWith(JSON);
        if (response.statusCode() == 200) {
            return new Response(
                    200,
                    Optional.of(ack(response.body(), json)),
                    Optional.empty(),
                    Optional.empty(),
                    retryAfter);
        }
        Struct error = json ? struct(response.body()) : Struct.getDefaultInstance();
        return new Response(
                response.statusCode(),
                Optional.empty(),
                field(error, "code"),
                field(error, "message"),
                retryAfter);
    }

    private static Ack ack(byte[] body, boolean json) throws InvalidProtocolBufferException {
        if (!json) {
            return Ack.parseFrom(body);
        }
        Ack.Builder ack = Ack.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(utf8(body), ack);
        return ack.build();
    }

    // The error body {"code","message"} read as a protobuf Struct: no JSON library needed.
    private static Struct struct(byte[] body) throws InvalidProtocolBufferException {
        Struct.Builder struct = Struct.newBuilder();
        JsonFormat.parser().merge(utf8(body), struct);
        return struct.build();
    }

    private static Optional<String> field(Struct struct, String name) {
        Value value = struct.getFieldsOrDefault(name, Value.getDefaultInstance());
        return value.hasStringValue() ? Optional.of(value.getStringValue()) : Optional.empty();
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
