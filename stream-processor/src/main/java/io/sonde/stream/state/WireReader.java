package io.sonde.stream.state;

import com.google.protobuf.InvalidProtocolBufferException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A cursor over protobuf wire-format bytes: varints, fixed64 values, lengths and the skipping of
 * unknown fields, read straight from the array. {@link Reading} decodes with it instead of {@code
 * CodedInputStream}, whose limits and virtual calls per field were most of the decoder's time.
 *
 * <p>Fails where protobuf's parser fails for the same reason (a truncated field, a malformed
 * varint, a bad tag or wire type, an unmatched group end), with its exception type. Not
 * thread-safe: one per decoding.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    private static final int START_GROUP = 3;
    private static final int END_GROUP = 4;
    private static final int FIXED32 = 5;
    // Protobuf's default recursion limit: groups nest no deeper (a crafted record must not
    // exhaust the stack).
    private static final int MAX_DEPTH = 100;
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] bytes;
    private int pos;
    private int end;

    WireReader(byte[] bytes) {
        this.bytes = bytes;
        this.end = bytes.length;
    }

    int position() {
        return pos;
    }

    boolean more() {
        return pos < end;
    }

    /** The next tag; a field number of 0 is malformed. */
    int tag() throws InvalidProtocolBufferException {
        // As protobuf's readTag: a varint, of which the low 32 bits count.
        int tag = (int) varint();
        if (tag >>> 3 == 0) {
            throw malformed("a tag with field number 0");
        }
        return tag;
    }

    long varint() throws InvalidProtocolBufferException {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= end) {
                throw malformed("the record ends inside a field");
            }
            byte b = bytes[pos++];
            result |= (long) (b & 0x7F) << shift;
            // The tenth byte ends a varint whatever its top bit says: protobuf-java's decoder
            // reads such a varint too (a damaged record it accepts must not be refused here).
            if (b >= 0 || shift == 63) {
                return result;
            }
        }
    }

    double fixed64Double() throws InvalidProtocolBufferException {
        require(8);
        double value = Double.longBitsToDouble((long) LITTLE_ENDIAN_LONG.get(bytes, pos));
        pos += 8;
        return value;
    }

    /** Reads a length prefix; the bytes it covers follow at {@link #position()}. */
    int length() throws InvalidProtocolBufferException {
        int length = (int) varint();
        if (length < 0) {
            throw malformed("a negative length");
        }
        require(length);
        return length;
    }

    /**
     * Reads only the next {@code length} bytes until {@link #popLimit} restores the returned limit.
     */
    int pushLimit(int length) {
        int previous = end;
        end = pos + length;
        return previous;
    }

    void popLimit(int previous) {
        end = previous;
    }

    void skipBytes(int length) {
        pos += length;
    }

    /** Skips the field of {@code tag}, a whole group included. */
    void skip(int tag) throws InvalidProtocolBufferException {
        skip(tag, 0);
    }

    private void skip(int tag, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case VARINT -> varint();
            case FIXED64 -> skipFixed(8);
            case LENGTH_DELIMITED -> skipBytes(length());
            case FIXED32 -> skipFixed(4);
            case START_GROUP -> skipGroup(tag >>> 3, depth + 1);
            case END_GROUP -> throw malformed("a group end without its start");
            default -> throw malformed("wire type 6 or 7");
        }
    }

    private void skipGroup(int field, int depth) throws InvalidProtocolBufferException {
        if (depth > MAX_DEPTH) {
            throw malformed("groups nested deeper than " + MAX_DEPTH);
        }
        while (true) {
            if (!more()) {
                throw malformed("the record ends inside a field");
            }
            int tag = tag();
            if (tag == (field << 3 | END_GROUP)) {
                return;
            }
            skip(tag, depth);
        }
    }

    private void skipFixed(int n) throws InvalidProtocolBufferException {
        require(n);
        pos += n;
    }

    private static InvalidProtocolBufferException malformed(String why) {
        return new InvalidProtocolBufferException("not a protobuf message: " + why);
    }

    private void require(int n) throws InvalidProtocolBufferException {
        if (n > end - pos) {
            throw malformed("the record ends inside a field");
        }
    }
}
