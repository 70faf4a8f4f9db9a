package io.sonde.simulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Error;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real WebSocket server that speaks the device side of docs/device-protocol.md the way the
 * ingest gateway does: one Ack per accepted batch, resends re-acked without rewriting, and on
 * request one RESOURCE_EXHAUSTED, one close, or silence. Tokens are {@code DEVICE#N}.
 */
final class FakeIngestServer implements AutoCloseable {
    /** A batch as the server received it. */
    record Received(String device, long firstSeq, long lastSeq, long atNanos, boolean text) {}

    final Map<String, List<Long>> written = new ConcurrentHashMap<>();
    final Queue<Received> received = new ConcurrentLinkedQueue<>();
    final Queue<String> tokens = new ConcurrentLinkedQueue<>();
    final Queue<String> refreshedTokens = new ConcurrentLinkedQueue<>();
    final Queue<Received> rejections = new ConcurrentLinkedQueue<>();
    final Queue<Received> closedOn = new ConcurrentLinkedQueue<>();
    final AtomicInteger openSessions = new AtomicInteger();
    final AtomicInteger rejectNext = new AtomicInteger();
    final AtomicInteger closeNextWith = new AtomicInteger();
    final AtomicBoolean silent = new AtomicBoolean();
    volatile int retryAfterMs = 300;

    private final WebServer server;

    FakeIngestServer() {
        this(0);
    }

    FakeIngestServer(int port) {
        server =
                WebServer.builder()
                        .port(port)
                        .addRouting(WsRouting.builder().endpoint("/v1/ingest", Session::new))
                        .build()
                        .start();
        if (!server.isRunning()) {
            throw new IllegalStateException("fake ingest server did not start on port " + port);
        }
    }

    int port() {
        return server.port();
    }

    URI url() {
        return URI.create("ws://localhost:" + server.port() + "/v1/ingest");
    }

    List<Long> written(String device) {
        return written.getOrDefault(device, List.of());
    }

    long writtenCount() {
        return written.values().stream().mapToLong(List::size).sum();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Session implements WsListener {
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();
        private String device = "unknown";
        private long lastAck;
        private long exhaustedUntilNanos = System.nanoTime();

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            String token =
                    headers.first(HeaderNames.AUTHORIZATION).orElse("").replace("Bearer ", "");
            tokens.add(token);
            device = token.contains("#") ? token.substring(0, token.indexOf('#')) : token;
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            openSessions.incrementAndGet();
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            frame.writeBytes(buffer.readBytes());
            if (last) {
                byte[] bytes = frame.toByteArray();
                frame.reset();
                try {
                    handle(session, Uplink.parseFrom(bytes), false);
                } catch (InvalidProtocolBufferException e) {
                    session.close(1007, "not an Uplink");
                }
            }
        }

        @Override
        public void onMessage(WsSession session, String part, boolean last) {
            text.append(part);
            if (last) {
                Uplink.Builder uplink = Uplink.newBuilder();
                try {
                    JsonFormat.parser().merge(text.toString(), uplink);
                    text.setLength(0);
                    handle(session, uplink.build(), true);
                } catch (InvalidProtocolBufferException e) {
                    session.close(1007, "not an Uplink");
                }
            }
        }

        @Override
        public void onClose(WsSession session, int status, String reason) {
            end();
        }

        @Override
        public void onError(WsSession session, Throwable t) {
            end();
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                openSessions.decrementAndGet();
            }
        }

        private void handle(WsSession session, Uplink uplink, boolean asText) {
            if (uplink.hasTokenRefresh()) {
                refreshedTokens.add(uplink.getTokenRefresh().getToken());
                return;
            }
            TelemetryBatch batch = uplink.getBatch();
            long first = batch.getReadings(0).getSeq();
            long last = batch.getReadings(batch.getReadingsCount() - 1).getSeq();
            Received got = new Received(device, first, last, System.nanoTime(), asText);
            received.add(got);
            int closeCode = closeNextWith.getAndSet(0);
            if (closeCode != 0) {
                closedOn.add(got);
                session.close(closeCode, "told to close");
                return;
            }
            if (silent.get()) {
                return;
            }
            if (last <= lastAck) { // a resend: acknowledged again, not rewritten
                reply(session, ack(lastAck), asText);
                return;
            }
            if (rejectNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || System.nanoTime() - exhaustedUntilNanos < 0) {
                exhaustedUntilNanos = System.nanoTime() + retryAfterMs * 1_000_000L;
                rejections.add(got);
                reply(session, exhausted(first), asText);
                return;
            }
            List<Long> seqs = written.computeIfAbsent(device, d -> new CopyOnWriteArrayList<>());
            batch.getReadingsList().stream().map(Reading::getSeq).forEach(seqs::add);
            lastAck = last;
            reply(session, ack(last), asText);
        }

        private Downlink ack(long seq) {
            return Downlink.newBuilder().setAck(Ack.newBuilder().setSeq(seq)).build();
        }

        private Downlink exhausted(long seq) {
            return Downlink.newBuilder()
                    .setError(
                            Error.newBuilder()
                                    .setCode(ErrorCode.RESOURCE_EXHAUSTED)
                                    .setMessage("rate limit")
                                    .setSeq(seq)
                                    .setRetryAfterMs(retryAfterMs))
                    .build();
        }

        private void reply(WsSession session, Downlink downlink, boolean asText) {
            if (asText) {
                try {
                    session.send(JsonFormat.printer().print(downlink), true);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                session.send(BufferData.create(downlink.toByteArray()), true);
            }
        }
    }
}
