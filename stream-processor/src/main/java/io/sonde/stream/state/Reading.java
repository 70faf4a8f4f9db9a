package io.sonde.stream.state;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * What the processor reads of one {@code TelemetryRecord} (proto {@code sonde.v1}): its seq, its
 * two times and its metric values, decoded straight from the record's bytes.
 *
 * <p>Why not the generated message: parsing it built a map entry, a boxed value and a {@code
 * String} per metric and per attribute for every reading, about a tenth of the stream thread's time
 * (BENCHMARKS.md, streams). Here metric names stay UTF-8 ranges of the record's bytes, compared
 * with the names a device already has ({@link MetricTable#indexOf(Reading, int)}), so a reading of
 * known names creates no string; attributes, which nothing in the processor reads, are skipped.
 *
 * <p>Same meaning as protobuf's: unknown fields are skipped, a missing field is its default, and
 * when a metric name repeats inside one record the last value wins (map semantics). Immutable;
 * holds the record's byte array.
 */
public final class Reading {
    // Tags (field number << 3 | wire type) of the record's fields read here, and of a map entry's
    // key (length-delimited) and value (64-bit).
    private static final int SEQ_TAG = 2 << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int TIME_TAG = 3 << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int RECEIVED_TAG = 4 << 3 | WireFormat.WIRETYPE_VARINT;
    private static final int METRICS_TAG = 5 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int KEY_TAG = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VALUE_TAG = 2 << 3 | WireFormat.WIRETYPE_FIXED64;

    private final byte[] bytes;
    private long seq;
    private long timeUnixNano;
    private long receivedUnixNano;
    private int size;
    private int[] nameAt = new int[8];
    private int[] nameLength = new int[8];
    private int[] nameHash = new int[8];
    private double[] values = new double[8];

    private Reading(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Decodes a serialized {@code TelemetryRecord}.
     *
     * @throws InvalidProtocolBufferException when the bytes are not one
     */
    public static Reading parse(byte[] bytes) throws InvalidProtocolBufferException {
        Reading r = new Reading(bytes);
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                // Whole tags, as protobuf's generated parser matches them: a known field number
                // with another wire type is an unknown field.
                switch (tag) {
                    case SEQ_TAG -> r.seq = in.readUInt64();
                    case TIME_TAG -> r.timeUnixNano = in.readInt64();
                    case RECEIVED_TAG -> r.receivedUnixNano = in.readInt64();
                    case METRICS_TAG -> r.readMetric(in);
                    default -> {
                        if (!in.skipField(tag)) {
                            // A group end outside any group: protobuf's parser refuses it too.
                            throw new InvalidProtocolBufferException("an unmatched group end");
                        }
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return r;
    }

    private void readMetric(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        int at = 0;
        int length = 0;
        double value = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == KEY_TAG) {
                length = in.readRawVarint32();
                at = in.getTotalBytesRead();
                in.skipRawBytes(length);
            } else if (tag == VALUE_TAG) {
                value = in.readDouble();
            } else {
                in.skipField(tag);
            }
        }
        in.popLimit(limit);
        add(at, length, value);
    }

    private void add(int at, int length, double value) {
        int hash = hash(bytes, at, length);
        // Quadratic in the names of one reading; the ingest gateway bounds those per reading.
        for (int i = 0; i < size; i++) {
            if (nameHash[i] == hash
                    && Arrays.equals(
                            bytes, nameAt[i], nameAt[i] + nameLength[i], bytes, at, at + length)) {
                values[i] = value;
                return;
            }
        }
        if (size == values.length) {
            nameAt = Arrays.copyOf(nameAt, size * 2);
            nameLength = Arrays.copyOf(nameLength, size * 2);
            nameHash = Arrays.copyOf(nameHash, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        nameAt[size] = at;
        nameLength[size] = length;
        nameHash[size] = hash;
        values[size] = value;
        size++;
    }

    /** The hash {@link MetricTable} keeps of each name: the same for the same UTF-8 bytes. */
    static int hash(byte[] b, int from, int length) {
        int h = 1;
        for (int i = from; i < from + length; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    public long seq() {
        return seq;
    }

    public long timeUnixNano() {
        return timeUnixNano;
    }

    public long receivedUnixNano() {
        return receivedUnixNano;
    }

    /** How many distinct metric names the reading carries. */
    public int size() {
        return size;
    }

    /** The name of the reading's metric {@code i}. */
    public String name(int i) {
        return new String(bytes, nameAt[i], nameLength[i], StandardCharsets.UTF_8);
    }

    public double value(int i) {
        return values[i];
    }

    int nameHash(int i) {
        return nameHash[i];
    }

    /** Whether the reading's metric {@code i} is named {@code utf8}. */
    boolean nameEquals(int i, byte[] utf8) {
        return Arrays.equals(bytes, nameAt[i], nameAt[i] + nameLength[i], utf8, 0, utf8.length);
    }

    /** The value of the metric named {@code utf8} (UTF-8), if the reading carries it. */
    public OptionalDouble value(byte[] utf8) {
        int hash = hash(utf8, 0, utf8.length);
        for (int i = 0; i < size; i++) {
            if (nameHash[i] == hash && nameEquals(i, utf8)) {
                return OptionalDouble.of(values[i]);
            }
        }
        return OptionalDouble.empty();
    }
}
