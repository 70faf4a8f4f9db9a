package io.sonde.ingest.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sonde.ingest.kafka.RecordEncoder;
import io.sonde.ingest.protocol.AckLedger;
import io.sonde.ingest.protocol.BatchValidator;
import io.sonde.ingest.protocol.Rejection;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.InvalidTokenException;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TokenRefresh;
import io.sonde.proto.v1.Uplink;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v1/ingest}: one instance per device WebSocket (docs/device-protocol.md). Messages of one
 * connection arrive on its own reader thread, one at a time, so the fields below need no lock;
 * replies go through {@link DeviceConnection}, which orders them.
 */
public final class IngestEndpoint implements WsListener {
    static final int POLICY_VIOLATION = 1008;
    static final int INVALID_PAYLOAD = 1007;
    static final int TOO_BIG = 1009;
    static final int TRY_AGAIN_LATER = 1013;

    private final IngestContext context;
    // Only while a fragmented message arrives: most devices send one frame per message.
    private Optional<ByteArrayOutputStream> fragments = Optional.empty();
    private Optional<String> upgradeToken = Optional.empty();
    private DeviceConnection connection;

    public IngestEndpoint(IngestContext context) {
        this.context = context;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        upgradeToken = BearerTokens.find(headers, prologue.query());
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        if (upgradeToken.isEmpty()) {
            refuse(session, POLICY_VIOLATION, "missing token");
            return;
        }
        VerifiedToken token;
        try {
            token = context.verifier().verify(upgradeToken.get(), TokenVerifier.INGEST_AUDIENCE);
        } catch (InvalidTokenException e) {
            refuse(session, POLICY_VIOLATION, e.getMessage());
            return;
        } finally {
            upgradeToken = Optional.empty();
        }
        if (context.connections().size() >= context.config().maxConnections()) {
            refuse(session, TRY_AGAIN_LATER, "gateway overloaded: too many connections");
            return;
        }
        connection = connection(session, token.subject(), token.expiresAt());
        if (!context.connections()
                .add(connection, sourceOf(session), context.config().maxConnectionsPerAddress())) {
            context.connections().addClosing(connection);
            connection.close(TRY_AGAIN_LATER, "too many connections from this address");
        }
    }

    // Closes a connection that is not taken, through the registry, so that it too is ended when
    // the client never answers the close frame.
    private void refuse(WsSession session, int code, String reason) {
        connection = connection(session, "", Instant.EPOCH);
        context.connections().addClosing(connection);
        connection.close(code, reason);
    }

    private DeviceConnection connection(WsSession session, String deviceId, Instant expiry) {
        return new DeviceConnection(
                session,
                deviceId,
                expiry,
                context.config().maxInflightBatches(),
                context.config().maxReadingsPerBatch(),
                context.intake().metrics());
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (!accept(buffer.available(), false)) {
            return;
        }
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        if (last) {
            byte[] message = bytes;
            if (fragments.isPresent()) { // the last frame of a fragmented message
                fragments.get().writeBytes(bytes);
                message = fragments.get().toByteArray();
                fragments = Optional.empty();
            }
            try {
                handle(Uplink.parseFrom(message), message.length, Optional.of(message));
            } catch (InvalidProtocolBufferException e) {
                connection.close(INVALID_PAYLOAD, "not a valid Uplink: " + e.getMessage());
            }
        } else {
            fragments().writeBytes(bytes);
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (!accept(text.length(), true)) {
            return;
        }
        if (!last) {
            fragments().writeBytes(text.getBytes(StandardCharsets.UTF_8));
            return;
        }
        String message = text;
        int size = text.length();
        if (fragments.isPresent()) {
            fragments.get().writeBytes(text.getBytes(StandardCharsets.UTF_8));
            message = fragments.get().toString(StandardCharsets.UTF_8);
            size = fragments.get().size();
            fragments = Optional.empty();
        }
        try {
            handle(Downlinks.parseJson(message), size, Optional.empty());
        } catch (InvalidProtocolBufferException e) {
            connection.close(INVALID_PAYLOAD, "not a valid Uplink in JSON: " + e.getMessage());
        }
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        if (connection != null) {
            connection.heard();
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        release();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        release();
    }

    // Checks authentication, token lifetime and the message size limit before any parsing. After
    // the gateway closed the connection, what the device still sends is read and dropped.
    private boolean accept(int moreBytes, boolean json) {
        if (connection == null || !connection.isOpen()) {
            return false;
        }
        connection.heard(json);
        if (Instant.now().isAfter(connection.tokenExpiry())) {
            connection.close(POLICY_VIOLATION, "token expired");
            return false;
        }
        int held = fragments.map(ByteArrayOutputStream::size).orElse(0);
        if (held + (long) moreBytes > context.config().maxMessageBytes()) {
            fragments = Optional.empty();
            connection.close(
                    TOO_BIG,
                    "message larger than " + context.config().maxMessageBytes() + " bytes");
            return false;
        }
        return true;
    }

    // `wire`: the bytes the Uplink was parsed from (empty for JSON), so records are copied from
    // them instead of rebuilt.
    private void handle(Uplink uplink, int size, Optional<byte[]> wire) {
        context.intake().metrics().received(size, true);
        switch (uplink.getBodyCase()) {
            case BATCH -> handleBatch(uplink.getBatch(), size, wire);
            case TOKEN_REFRESH -> refresh(uplink.getTokenRefresh());
            default ->
                    refuse(Rejection.invalid("body: an Uplink needs a batch or a token_refresh"));
        }
    }

    private void handleBatch(TelemetryBatch batch, int size, Optional<byte[]> wire) {
        if (batch.getReadingsCount() == 0) {
            refuse(Rejection.invalid(BatchValidator.EMPTY_BATCH));
            return;
        }
        AckLedger.Arrival arrival;
        try {
            arrival = connection.arrive(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping this connection
            return;
        }
        switch (arrival) {
            case AckLedger.Arrival.Resend resend -> context.intake().resent();
            case AckLedger.Arrival.Refused refused ->
                    context.intake().rejected(refused.rejection(), batch.getReadingsCount());
            case AckLedger.Arrival.Write write ->
                    write(
                            batch,
                            RecordEncoder.wireReadings(wire, true, batch),
                            size,
                            write.ticket());
        }
    }

    private void write(TelemetryBatch batch, List<byte[]> wire, int size, AckLedger.Ticket ticket) {
        DeviceConnection conn = connection;
        CompletableFuture<Optional<Rejection>> outcome =
                context.intake().submit(conn.deviceId(), batch, wire, size);
        if (outcome.isDone()) {
            conn.written(ticket, outcome.join()); // refused before writing: answer from here
        } else {
            // Completes on Kafka's I/O thread, which must not write to sockets.
            outcome.thenAccept(o -> context.connections().write(() -> conn.written(ticket, o)));
        }
    }

    private void refuse(Rejection rejection) {
        context.intake().rejected(rejection, 0);
        connection.notice(rejection);
    }

    private void refresh(TokenRefresh refresh) {
        try {
            VerifiedToken token =
                    context.verifier().verify(refresh.getToken(), TokenVerifier.INGEST_AUDIENCE);
            if (!token.subject().equals(connection.deviceId())) {
                connection.close(POLICY_VIOLATION, "refreshed token is for another device");
                return;
            }
            connection.tokenRefreshed(token.expiresAt());
        } catch (InvalidTokenException e) {
            connection.close(POLICY_VIOLATION, e.getMessage());
        }
    }

    private static InetAddress sourceOf(WsSession session) {
        SocketAddress peer = session.socketContext().remotePeer().address();
        return peer instanceof InetSocketAddress inet
                ? inet.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    private ByteArrayOutputStream fragments() {
        if (fragments.isEmpty()) {
            fragments = Optional.of(new ByteArrayOutputStream());
        }
        return fragments.get();
    }

    private void release() {
        if (connection != null) {
            connection.closed();
            context.connections().remove(connection);
        }
    }
}
