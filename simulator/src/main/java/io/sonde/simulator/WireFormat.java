package io.sonde.simulator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Uplink;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** How a device encodes its frames (SPEC §4): binary protobuf, or proto3 JSON in text frames. */
public enum WireFormat {
    PROTOBUF,
    JSON;

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().omittingInsignificantWhitespace();
    // A gateway newer than this simulator may add fields; they must not break the device.
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    /** One encoded message, ready to be sent as many times as the protocol needs. */
    sealed interface Frame {
        /** Sends the frame; the WebSocket allows one outstanding send at a time. */
        CompletableFuture<WebSocket> sendOn(WebSocket socket);

        int size();
    }

    record Binary(byte[] bytes) implements Frame {
        @Override
        public CompletableFuture<WebSocket> sendOn(WebSocket socket) {
            // A fresh buffer per send: the WebSocket consumes the buffer's position.
            return socket.sendBinary(ByteBuffer.wrap(bytes), true);
        }

        @Override
        public int size() {
            return bytes.length;
        }
    }

    record Text(String text) implements Frame {
        @Override
        public CompletableFuture<WebSocket> sendOn(WebSocket socket) {
            return socket.sendText(text, true);
        }

        @Override
        public int size() {
            return text.length();
        }
    }

    Frame encode(Uplink uplink) {
        if (this == PROTOBUF) {
            return new Binary(uplink.toByteArray());
        }
        try {
            return new Text(PRINTER.print(uplink));
        } catch (InvalidProtocolBufferException e) {
            throw new SimulatorException("cannot print uplink as JSON", e);
        }
    }

    static Downlink decodeBinary(byte[] bytes) throws InvalidProtocolBufferException {
        return Downlink.parseFrom(bytes);
    }

    static Downlink decodeText(String text) throws InvalidProtocolBufferException {
        Downlink.Builder builder = Downlink.newBuilder();
        PARSER.merge(text, builder);
        return builder.build();
    }
}
