package io.sonde.client.device;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket message as it goes on the wire: encoded once, sendable as often as the protocol
 * needs (a device resends unacknowledged batches after a reconnect).
 */
public sealed interface Frame {
    /** A binary message: protobuf, or any bytes a test wants to send. */
    static Frame binary(byte[] bytes) {
        return new Binary(bytes);
    }

    /** A text message: proto3 JSON, or any text a test wants to send. */
    static Frame text(String text) {
        return new Text(text);
    }

    /** Size on the wire: bytes, or characters for text. */
    int size();

    /** Hands the frame to {@code socket}; the JDK allows one outstanding send per socket. */
    CompletableFuture<WebSocket> sendOn(WebSocket socket);

    /** A binary message. */
    record Binary(byte[] bytes) implements Frame {
        @Override
        public int size() {
            return bytes.length;
        }

        @Override
        public CompletableFuture<WebSocket> sendOn(WebSocket socket) {
            // A fresh buffer per send: sending consumes the buffer's position.
            return socket.sendBinary(ByteBuffer.wrap(bytes), true);
        }
    }

    /** A text message. */
    record Text(String text) implements Frame {
        @Override
        public int size() {
            return text.length();
        }

        @Override
        public CompletableFuture<WebSocket> sendOn(WebSocket socket) {
            return socket.sendText(text, true);
        }
    }
}
