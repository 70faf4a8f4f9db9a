package io.sonde.push.transport;

import io.sonde.push.hub.PushEvent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Writes the Server-Sent Events wire format (WHATWG HTML, "server-sent events") onto a response
 * stream. Framed here rather than through Helidon's {@code SseSink} because that sink (4.5) drops
 * an event's reconnect delay, and docs/streams.md promises a {@code retry:} hint.
 *
 * <p>Every write runs inside the watchdog's guard, so a client that stops reading is dropped
 * instead of holding the thread. Not thread-safe: one writer thread per stream.
 */
final class SseWriter {
    private final OutputStream out;
    private final WriteWatchdog.Guard guard;
    private final FrameCache<byte[]> frames;

    SseWriter(OutputStream out, WriteWatchdog.Guard guard, FrameCache<byte[]> frames) {
        this.out = out;
        this.guard = guard;
        this.frames = frames;
    }

    /** The frame of an event sent with its own id: what {@link FrameCache} holds for SSE. */
    static byte[] frame(PushEvent event) {
        return frame(event.id(), event.name(), event.data()).getBytes(StandardCharsets.UTF_8);
    }

    /** The reconnect delay hint a browser's EventSource honours. */
    void retry(Duration delay) throws IOException {
        write("retry: " + delay.toMillis() + "\n\n");
    }

    /** A comment line: keeps proxies and clients from timing the connection out. */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    /** An event with {@code id}; the cached frame when that is the event's own id. */
    void event(PushEvent event, String id) throws IOException {
        if (id.equals(event.id())) {
            write(frames.frame(event));
        } else {
            write(frame(id, event.name(), event.data()));
        }
    }

    /** An event without id: it must not move the client's resume position. */
    void event(String name, String data) throws IOException {
        write(frame(null, name, data));
    }

    /** Asks the watchdog to wake the stream's writer by {@code deadline} (System.nanoTime()). */
    void wakeBy(long deadline) {
        guard.wakeBy(deadline);
    }

    void flush() throws IOException {
        guard.begin();
        try {
            out.flush();
        } finally {
            checkWatchdog();
        }
    }

    static String frame(String id, String name, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 64 + (id == null ? 0 : id.length()));
        if (id != null) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        if (data.indexOf('\n') < 0 && data.indexOf('\r') < 0) {
            sb.append("data: ").append(data).append('\n');
        } else {
            // A line break inside data would end the field early; each line gets its own field.
            for (String line : data.split("\r\n|\r|\n", -1)) {
                sb.append("data: ").append(line).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    private void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(byte[] bytes) throws IOException {
        guard.begin();
        try {
            out.write(bytes);
        } finally {
            checkWatchdog();
        }
    }

    private void checkWatchdog() throws InterruptedIOException {
        if (!guard.end()) {
            throw new InterruptedIOException("client stopped reading; connection dropped");
        }
    }
}
