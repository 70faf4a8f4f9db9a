package io.sonde.push.hub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * An event id (docs/streams.md): the position of one event in a partitioned log, encoded as an
 * opaque base64url string. Clients must not parse it; the version byte lets the encoding grow (e.g.
 * to a vector of positions for multi-channel resume) without breaking ids already handed out.
 *
 * @param log short name of the log, e.g. {@code telemetry}; independent of topic prefixes
 * @param partition partition number
 * @param offset offset within the partition
 */
public record Cursor(String log, int partition, long offset) {
    private static final byte VERSION = 1;
    private static final int MAX_LOG_LENGTH = 64;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public Cursor {
        if (log.isEmpty() || log.getBytes(StandardCharsets.UTF_8).length > MAX_LOG_LENGTH) {
            throw new IllegalArgumentException("log name must have 1 to 64 bytes");
        }
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }

    /** The opaque id sent to clients. */
    public String encode() {
        byte[] name = log.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(2 + name.length + Integer.BYTES + Long.BYTES);
        buf.put(VERSION).put((byte) name.length).put(name).putInt(partition).putLong(offset);
        return ENCODER.encodeToString(buf.array());
    }

    /** Reads an id produced by {@link #encode()}; empty for anything else. */
    public static Optional<Cursor> parse(String id) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < 2 || bytes[0] != VERSION) {
            return Optional.empty();
        }
        int nameLength = bytes[1] & 0xff;
        if (nameLength == 0 || bytes.length != 2 + nameLength + Integer.BYTES + Long.BYTES) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, 2 + nameLength, Integer.BYTES + Long.BYTES);
        String log = new String(bytes, 2, nameLength, StandardCharsets.UTF_8);
        int partition = buf.getInt();
        long offset = buf.getLong();
        if (partition < 0 || offset < 0 || nameLength > MAX_LOG_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new Cursor(log, partition, offset));
    }
}
