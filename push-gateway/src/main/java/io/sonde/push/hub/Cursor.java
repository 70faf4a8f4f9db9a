package io.sonde.push.hub;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * An event id (docs/streams.md): for every (log, partition) a subscription reads, the position
 * right after the last record it has been given, so that resuming reads each partition from there.
 * Encoded as an opaque base64url string; clients must not parse it. A {@code snapshotPending}
 * cursor was issued in the middle of a snapshot: resuming from it starts with a fresh snapshot,
 * because the rest of the old one is not in any log.
 *
 * <p>Version 2 (current): {@code 0x02, flags, then per log: log code, partition count, and
 * (partition, next offset) pairs}, numbers as unsigned varints. Version 1 (round 1, one position of
 * one log) is still read.
 *
 * <p>Immutable and thread-safe; the encoding is computed once.
 */
public final class Cursor {
    /** Longest id accepted by {@link #parse}: far above any real one (a few dozen bytes). */
    public static final int MAX_ID_LENGTH = 8_192;

    private static final byte VERSION_1 = 1;
    private static final byte VERSION_2 = 2;
    private static final int FLAG_SNAPSHOT_PENDING = 1;
    private static final int MAX_PARTITIONS = 4_096;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Cursor EMPTY = new Cursor(new TreeMap<>(), false);

    // (log code << 32 | partition) -> next offset; sorted so that one cursor has one encoding.
    private final TreeMap<Long, Long> positions;
    private final boolean snapshotPending;
    private volatile String encoded;

    private Cursor(TreeMap<Long, Long> positions, boolean snapshotPending) {
        this.positions = positions;
        this.snapshotPending = snapshotPending;
    }

    /** No position at all. */
    public static Cursor empty() {
        return EMPTY;
    }

    /** One partition of one log, read up to (not including) {@code next}. */
    public static Cursor of(Log log, int partition, long next) {
        TreeMap<Long, Long> map = new TreeMap<>();
        map.put(key(log, checkPartition(partition)), checkOffset(next));
        return new Cursor(map, false);
    }

    /** Several partitions of one log, {@code partition -> next offset}. */
    public static Cursor of(Log log, Map<Integer, Long> next) {
        TreeMap<Long, Long> map = new TreeMap<>();
        next.forEach((p, o) -> map.put(key(log, checkPartition(p)), checkOffset(o)));
        return new Cursor(map, false);
    }

    /** Every partition of one log, {@code next[partition]}. */
    public static Cursor of(Log log, long[] next) {
        TreeMap<Long, Long> map = new TreeMap<>();
        for (int p = 0; p < next.length; p++) {
            map.put(key(log, p), checkOffset(next[p]));
        }
        return new Cursor(map, false);
    }

    /** The next offset to read in {@code partition} of {@code log}, if this cursor names it. */
    public OptionalLong next(Log log, int partition) {
        Long next = positions.get(key(log, partition));
        return next == null ? OptionalLong.empty() : OptionalLong.of(next);
    }

    /** The positions this cursor names in {@code log}, by partition. */
    public Map<Integer, Long> positions(Log log) {
        TreeMap<Integer, Long> out = new TreeMap<>();
        positions
                .subMap(key(log, 0), true, key(log, Integer.MAX_VALUE), true)
                .forEach((k, v) -> out.put((int) (long) k, v));
        return out;
    }

    /** The logs this cursor names a position in. */
    public Set<Log> logs() {
        Set<Log> logs = EnumSet.noneOf(Log.class);
        positions.keySet().forEach(k -> Log.ofCode((int) (k >>> 32)).ifPresent(logs::add));
        return logs;
    }

    public boolean isEmpty() {
        return positions.isEmpty();
    }

    public boolean snapshotPending() {
        return snapshotPending;
    }

    /** This cursor marked as issued inside a snapshot. */
    public Cursor withSnapshotPending() {
        return snapshotPending ? this : new Cursor(positions, true);
    }

    /** Every position of both, the further one where both name a partition; not pending. */
    public Cursor merge(Cursor other) {
        TreeMap<Long, Long> map = new TreeMap<>(positions);
        other.positions.forEach((k, v) -> map.merge(k, v, Math::max));
        return new Cursor(map, false);
    }

    /** This cursor names every partition {@code other} names, each at least as far. */
    public boolean covers(Cursor other) {
        for (Map.Entry<Long, Long> e : other.positions.entrySet()) {
            Long mine = positions.get(e.getKey());
            if (mine == null || mine < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The opaque id sent to clients. */
    public String encode() {
        String id = encoded;
        if (id == null) {
            id = ENCODER.encodeToString(bytes());
            encoded = id;
        }
        return id;
    }

    /** Reads an id of any supported version; empty for anything that is not one. */
    public static Optional<Cursor> parse(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < 2) {
            return Optional.empty();
        }
        return switch (bytes[0]) {
            case VERSION_1 -> parseVersion1(bytes);
            case VERSION_2 -> parseVersion2(ByteBuffer.wrap(bytes, 1, bytes.length - 1));
            default -> Optional.empty();
        };
    }

    private byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + positions.size() * 6);
        out.write(VERSION_2);
        out.write(snapshotPending ? FLAG_SNAPSHOT_PENDING : 0);
        long[] keys = positions.keySet().stream().mapToLong(Long::longValue).toArray();
        int i = 0;
        while (i < keys.length) {
            int code = (int) (keys[i] >>> 32);
            int end = i;
            while (end < keys.length && (int) (keys[end] >>> 32) == code) {
                end++;
            }
            out.write(code);
            Varints.write(out, end - i);
            for (int j = i; j < end; j++) {
                Varints.write(out, (int) keys[j]);
                Varints.write(out, positions.get(keys[j]));
            }
            i = end;
        }
        return out.toByteArray();
    }

    private static Optional<Cursor> parseVersion2(ByteBuffer in) {
        try {
            int flags = in.get();
            if ((flags & ~FLAG_SNAPSHOT_PENDING) != 0) {
                return Optional.empty();
            }
            TreeMap<Long, Long> map = new TreeMap<>();
            while (in.hasRemaining()) {
                Optional<Log> log = Log.ofCode(in.get());
                long count = Varints.read(in);
                if (log.isEmpty() || count < 1 || map.size() + count > MAX_PARTITIONS) {
                    return Optional.empty();
                }
                for (long j = 0; j < count; j++) {
                    long partition = Varints.read(in);
                    long next = Varints.read(in);
                    if (partition > Integer.MAX_VALUE
                            || next < 0
                            || map.put(key(log.get(), (int) partition), next) != null) {
                        return Optional.empty();
                    }
                }
            }
            // Every id this service issues names at least one position.
            return map.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new Cursor(map, flags == FLAG_SNAPSHOT_PENDING));
        } catch (RuntimeException e) {
            // Truncated or overlong numbers: not an id of ours.
            return Optional.empty();
        }
    }

    private static Optional<Cursor> parseVersion1(byte[] bytes) {
        int nameLength = bytes[1] & 0xff;
        if (nameLength == 0 || bytes.length != 2 + nameLength + Integer.BYTES + Long.BYTES) {
            return Optional.empty();
        }
        Optional<Log> log = Log.ofLabel(new String(bytes, 2, nameLength, StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.wrap(bytes, 2 + nameLength, Integer.BYTES + Long.BYTES);
        int partition = buf.getInt();
        long offset = buf.getLong();
        if (log.isEmpty() || partition < 0 || offset < 0 || offset == Long.MAX_VALUE) {
            return Optional.empty();
        }
        // A version-1 id named the event's own offset; resuming continues after it.
        return Optional.of(of(log.get(), partition, offset + 1));
    }

    private static long key(Log log, int partition) {
        return ((long) log.code() << 32) | (partition & 0xffffffffL);
    }

    private static int checkPartition(int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative");
        }
        return partition;
    }

    private static long checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        return offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cursor c
                && c.snapshotPending == snapshotPending
                && c.positions.equals(positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode() * 31 + (snapshotPending ? 1 : 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Cursor[");
        positions.forEach((k, v) ->
                sb.append(Log.ofCode((int) (k >>> 32)).map(Log::label).orElse("?"))
                        .append('/')
                        .append((int) (long) k)
                        .append('@')
                        .append(v)
                        .append(' '));
        return sb.append(snapshotPending ? "pending]" : "]").toString();
    }

    /** Unsigned LEB128 numbers, as protobuf writes them. */
    private static final class Varints {
        private Varints() {}

        static void write(ByteArrayOutputStream out, long value) {
            while ((value & ~0x7fL) != 0) {
                out.write((int) ((value & 0x7f) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        static long read(ByteBuffer in) {
            long value = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                byte b = in.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long");
        }
    }
}
