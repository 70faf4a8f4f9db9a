package io.sonde.stream.state;

import io.sonde.stream.alert.AlertTrack;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The bytes of a {@link DeviceWork} in the processor's changelog: a compact hand-written layout
 * rather than protobuf, because every reading rewrites its device's record and the encoding is on
 * the hot path (docs/processing.md). The first byte is the format version; this is version 1.
 * Internal to the processor, not a public contract: a new version must still read the old one.
 *
 * <p>Windows are stored per track with the track's size; when a window size is no longer
 * configured, that size's open windows are dropped (their finals are lost), everything else is
 * kept. When {@code max-metrics-per-device} was lowered, the names beyond it and their window slots
 * are dropped.
 *
 * <p>Not thread-safe: the encode buffer is reused; one codec per stream thread.
 */
public final class DeviceWorkCodec {
    static final byte VERSION = 1;

    private ByteBuffer buffer = ByteBuffer.allocate(4096);

    /** Encodes {@code work}. */
    public byte[] encode(DeviceWork work) {
        while (true) {
            try {
                buffer.clear();
                write(work);
                byte[] out = new byte[buffer.position()];
                buffer.flip().get(out);
                return out;
            } catch (BufferOverflowException e) {
                buffer = ByteBuffer.allocate(buffer.capacity() * 2);
            }
        }
    }

    /**
     * Decodes a record.
     *
     * @throws IllegalArgumentException when the bytes are not a record of a known version
     */
    public static DeviceWork decode(byte[] bytes, DeviceLimits limits) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown device state version " + version);
            }
            DeviceWork work = new DeviceWork(getString(in), limits);
            readHeader(in, work);
            readMetrics(in, work);
            readTracks(in, work);
            readAlerts(in, work);
            return work;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated device state", e);
        } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("corrupt device state", e);
        }
    }

    private void write(DeviceWork w) {
        buffer.put(VERSION);
        putString(w.deviceId());
        ReplayWindow seen = w.seen;
        buffer.put((byte) ((seen.isEmpty() ? 1 : 0) | (w.online ? 2 : 0) | (w.stateDirty ? 4 : 0)));
        buffer.putLong(seen.highest());
        writeWords(seen.words());
        buffer.putLong(w.highEventMs).putLong(w.lastReceivedMs).putLong(w.lastSeenMs);
        MetricTable m = w.metrics;
        buffer.putShort((short) m.size());
        for (int i = 0; i < m.size(); i++) {
            putUtf8(m.utf8Name(i));
            buffer.putDouble(m.last(i)).putLong(m.lastTime(i));
        }
        buffer.put((byte) w.tracks.length);
        for (WindowTrack track : w.tracks) {
            buffer.putLong(track.sizeMs()).putLong(track.closedBefore());
            buffer.putShort((short) track.open().size());
            for (OpenWindow win : track.open()) {
                writeWindow(win);
            }
        }
        buffer.putShort((short) w.alerts.size());
        for (Map.Entry<String, AlertTrack> e : w.alerts.entrySet()) {
            AlertTrack a = e.getValue();
            putString(e.getKey());
            buffer.put((byte) (a.active() ? 1 : 0)).putLong(a.pendingSince());
            putString(a.alertId());
            putString(a.metric());
            putString(a.severity());
            buffer.putLong(a.raisedAt()).putDouble(a.raisedValue()).putDouble(a.threshold());
            putString(a.message());
        }
    }

    // The bitmap as: word count, leading all-ones words, trailing all-zeros words, the rest raw. A
    // device sending in order has every bit set: 6 bytes instead of 128 for the default window.
    private void writeWords(long[] words) {
        int ones = 0;
        while (ones < words.length && words[ones] == -1L) {
            ones++;
        }
        int zeros = 0;
        while (zeros < words.length - ones && words[words.length - 1 - zeros] == 0L) {
            zeros++;
        }
        buffer.putShort((short) words.length).putShort((short) ones).putShort((short) zeros);
        for (int i = ones; i < words.length - zeros; i++) {
            buffer.putLong(words[i]);
        }
    }

    private static long[] readWords(ByteBuffer in) {
        long[] words = new long[in.getShort() & 0xFFFF];
        int ones = in.getShort() & 0xFFFF;
        int zeros = in.getShort() & 0xFFFF;
        if (ones + zeros > words.length) {
            throw new IllegalArgumentException("corrupt replay window");
        }
        Arrays.fill(words, 0, ones, -1L);
        for (int i = ones; i < words.length - zeros; i++) {
            words[i] = in.getLong();
        }
        return words;
    }

    private void writeWindow(OpenWindow win) {
        buffer.putLong(win.start());
        int count = 0;
        for (int i = 0; i < win.width(); i++) {
            count += win.get(i) == null ? 0 : 1;
        }
        buffer.putShort((short) count);
        for (int i = 0; i < win.width(); i++) {
            Accumulator a = win.get(i);
            if (a != null) {
                buffer.putShort((short) i);
                putVarLong(a.count);
                buffer.putDouble(a.min).putDouble(a.max).putDouble(a.sum).putDouble(a.last);
                putVarLong(zigZag(a.lastTime - win.start()));
                putVarLong(a.revision);
                buffer.put((byte) (a.dirty ? 1 : 0));
            }
        }
    }

    private static void readHeader(ByteBuffer in, DeviceWork w) {
        byte flags = in.get();
        long highest = in.getLong();
        long[] words = readWords(in);
        w.seen = ReplayWindow.restore(w.limits().replayWindow(), (flags & 1) != 0, highest, words);
        w.online = (flags & 2) != 0;
        w.stateDirty = (flags & 4) != 0;
        w.highEventMs = in.getLong();
        w.lastReceivedMs = in.getLong();
        w.lastSeenMs = in.getLong();
    }

    private static void readMetrics(ByteBuffer in, DeviceWork w) {
        int n = in.getShort() & 0xFFFF;
        for (int i = 0; i < n; i++) {
            String name = getString(in);
            w.metrics.restore(name, in.getDouble(), in.getLong());
        }
    }

    private static void readTracks(ByteBuffer in, DeviceWork w) {
        int n = in.get();
        for (int t = 0; t < n; t++) {
            long size = in.getLong();
            long closedBefore = in.getLong();
            int windows = in.getShort() & 0xFFFF;
            // Matched by size: a size removed from the configuration loses only its own windows.
            WindowTrack track = null;
            for (WindowTrack candidate : w.tracks) {
                if (candidate.sizeMs() == size) {
                    track = candidate;
                }
            }
            if (track != null) {
                track.restoreClosedBefore(closedBefore);
            }
            for (int i = 0; i < windows; i++) {
                readWindow(in, track, w.metrics.size());
            }
        }
    }

    // A window of a track that no longer exists, and the slots of metric names the (lowered) cap
    // no longer admits, are read and dropped.
    private static void readWindow(ByteBuffer in, WindowTrack track, int metrics) {
        OpenWindow win = track == null ? new OpenWindow(0) : null;
        long start = in.getLong();
        if (win == null) {
            win = track.restore(start);
        }
        int n = in.getShort() & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int index = in.getShort() & 0xFFFF;
            Accumulator a = index < metrics ? win.accumulator(index) : new Accumulator();
            a.count = getVarLong(in);
            a.min = in.getDouble();
            a.max = in.getDouble();
            a.sum = in.getDouble();
            a.last = in.getDouble();
            a.lastTime = start + unZigZag(getVarLong(in));
            a.revision = getVarLong(in);
            a.dirty = in.get() != 0;
        }
    }

    private static void readAlerts(ByteBuffer in, DeviceWork w) {
        int n = in.getShort() & 0xFFFF;
        for (int i = 0; i < n; i++) {
            String rule = getString(in);
            boolean active = in.get() != 0;
            long pending = in.getLong();
            String id = getString(in);
            String metric = getString(in);
            String severity = getString(in);
            long raisedAt = in.getLong();
            double value = in.getDouble();
            double threshold = in.getDouble();
            String message = getString(in);
            w.alerts.put(
                    rule,
                    AlertTrack.restore(
                            new AlertTrack.Episode(
                                    pending, active, id, metric, severity, raisedAt, value,
                                    threshold, message)));
        }
    }

    // Counts, revisions and times within a window are small: LEB128 varints, as protobuf's.
    private void putVarLong(long v) {
        while ((v & ~0x7FL) != 0) {
            buffer.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.put((byte) v);
    }

    private static long getVarLong(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed varint in device state");
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private void putString(String s) {
        putUtf8(s.getBytes(StandardCharsets.UTF_8));
    }

    private void putUtf8(byte[] utf8) {
        buffer.putShort((short) utf8.length).put(utf8);
    }

    private static String getString(ByteBuffer in) {
        byte[] utf8 = new byte[in.getShort() & 0xFFFF];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
