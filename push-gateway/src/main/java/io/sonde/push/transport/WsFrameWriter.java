package io.sonde.push.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a batch of events to a viewer's WebSocket as whole server frames (RFC 6455 §5.2: final,
 * unmasked, text) in one socket write per {@link #MAX_WRITE} bytes.
 *
 * <p>Why not {@link WsSession#send}: Helidon (4.5) writes and flushes each message on its own, one
 * system call per event per subscriber, which set the knee of the WebSocket fan-out benchmark
 * (BENCHMARKS.md, fanout) where SSE, writing a batch with one flush, went several times further.
 * This writer puts the batch's frames into one array and hands it to the connection's own {@link
 * DataWriter}.
 *
 * <p>Safe beside Helidon's own writes on the same connection (pongs and close frames, written from
 * the connection's reader thread): each of those is one write call of one whole frame, this
 * writer's are whole frames too, and the socket runs one write call at a time, so frames never
 * interleave. The caller keeps its own messages in order (one lock per connection). Holds no buffer
 * between batches: the array of a write is garbage once written.
 */
final class WsFrameWriter {
    /** Most bytes in one socket write; a single larger frame is written alone. */
    static final int MAX_WRITE = 64 * 1024;

    private static final int FIN_TEXT = 0x81;

    private final DataWriter wire;

    WsFrameWriter(DataWriter wire) {
        this.wire = wire;
    }

    /**
     * The writer of {@code ws}'s connection.
     *
     * @throws IllegalStateException when the session is not a Helidon server connection (its {@code
     *     socketContext()} is the connection's context in Helidon 4)
     */
    static WsFrameWriter of(WsSession ws) {
        if (ws.socketContext() instanceof ConnectionContext ctx) {
            return new WsFrameWriter(ctx.dataWriter());
        }
        throw new IllegalStateException(
                "not a Helidon server WebSocket connection: " + ws.socketContext().getClass());
    }

    /** The whole frame of one text message. */
    static byte[] text(String message) {
        byte[] payload = message.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int header = n < 126 ? 2 : n < 1 << 16 ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = (byte) FIN_TEXT;
        if (n < 126) {
            frame[1] = (byte) n;
        } else if (n < 1 << 16) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            // A Java array is shorter than 2^31: the four high bytes stay 0.
            for (int i = 0; i < 4; i++) {
                frame[6 + i] = (byte) (n >>> (24 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, n);
        return frame;
    }

    /** Writes {@code frames} in order, as few writes as {@link #MAX_WRITE} allows. */
    void write(List<byte[]> frames) {
        int i = 0;
        while (i < frames.size()) {
            int bytes = frames.get(i).length;
            int end = i + 1;
            while (end < frames.size() && bytes + frames.get(end).length <= MAX_WRITE) {
                bytes += frames.get(end).length;
                end++;
            }
            wire.writeNow(BufferData.create(join(frames, i, end, bytes)));
            i = end;
        }
    }

    private static byte[] join(List<byte[]> frames, int from, int to, int bytes) {
        if (to - from == 1) {
            return frames.get(from);
        }
        byte[] out = new byte[bytes];
        int at = 0;
        for (int i = from; i < to; i++) {
            byte[] f = frames.get(i);
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length;
        }
        return out;
    }
}
