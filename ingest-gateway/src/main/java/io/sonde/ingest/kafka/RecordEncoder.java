package io.sonde.ingest.kafka;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns readings as they arrived on the wire into {@code TelemetryRecord} bytes without building
 * either message: a reading's metric and attribute map entries are copied byte for byte under the
 * record's field numbers, its seq and time re-tagged, its traceparent (which travels in the record
 * headers) and unknown fields dropped, and the device id and receive time added. Protobuf parsers
 * take fields in any order, so the record reads exactly as one built field by field would. This
 * replaces a per-reading parse, two map copies and a serialization, which were the gateway's top
 * cost in the ingest profile.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordEncoder {
    // Reading (ingest.proto) tags, and TelemetryRecord (records.proto) field numbers.
    private static final int SEQ = tag(1, WireFormat.WIRETYPE_VARINT);
    private static final int TIME = tag(2, WireFormat.WIRETYPE_VARINT);
    private static final int METRICS = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int ATTRIBUTES = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int RECORD_DEVICE_ID = 1;
    private static final int RECORD_SEQ = 2;
    private static final int RECORD_TIME = 3;
    private static final int RECORD_RECEIVED = 4;
    private static final int RECORD_METRICS = 5;
    private static final int RECORD_ATTRIBUTES = 6;
    private static final int UPLINK_BATCH = 1;
    private static final int BATCH_READINGS = 1;

    private RecordEncoder() {}

    // A field's tag as on the wire (protobuf's own helper is not public).
    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    /**
     * The raw bytes of each reading of a message, in order: of the batch of an {@code Uplink}
     * ({@code uplink}), or of a {@code TelemetryBatch}. A message that parsed already is scanned,
     * never trusted blindly: empty when it does not hold {@code expected} readings.
     */
    static Optional<List<byte[]>> readings(byte[] message, boolean uplink, int expected) {
        List<byte[]> out = new ArrayList<>(expected);
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            if (uplink) {
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (tag == tag(UPLINK_BATCH, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                        batchReadings(in.readByteArray(), out); // repeated: batches merge
                    } else {
                        in.skipField(tag);
                    }
                }
            } else {
                batchReadings(message, out);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return out.size() == expected ? Optional.of(out) : Optional.empty();
    }

    /** The {@code TelemetryRecord} of one reading's wire bytes. */
    static byte[] record(byte[] deviceIdUtf8, byte[] reading, long receivedNanos)
            throws IOException {
        // The record is the reading's entries plus at most the four scalar fields.
        byte[] out = new byte[reading.length + deviceIdUtf8.length + 40];
        CodedOutputStream w = CodedOutputStream.newInstance(out);
        w.writeByteArray(RECORD_DEVICE_ID, deviceIdUtf8);
        long time = 0;
        CodedInputStream in = CodedInputStream.newInstance(reading);
        // A known field number with another wire type is an unknown field to protobuf: skipped.
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == SEQ) {
                w.writeUInt64(RECORD_SEQ, in.readUInt64());
            } else if (tag == TIME) {
                time = in.readInt64();
            } else if (tag == METRICS) {
                w.writeByteArray(RECORD_METRICS, in.readByteArray());
            } else if (tag == ATTRIBUTES) {
                w.writeByteArray(RECORD_ATTRIBUTES, in.readByteArray());
            } else {
                in.skipField(tag); // traceparent (it travels in the headers), unknown fields
            }
        }
        w.writeInt64(RECORD_TIME, time == 0 ? receivedNanos : time);
        w.writeInt64(RECORD_RECEIVED, receivedNanos);
        return Arrays.copyOf(out, out.length - w.spaceLeft());
    }

    /**
     * The wire bytes of each reading of {@code batch}: scanned from {@code message} (the bytes it
     * was parsed from, an {@code Uplink} or a {@code TelemetryBatch}), else serialized again (a
     * JSON batch, or a layout the scan does not take).
     */
    public static List<byte[]> wireReadings(
            Optional<byte[]> message, boolean uplink, TelemetryBatch batch) {
        return message.flatMap(m -> readings(m, uplink, batch.getReadingsCount()))
                .orElseGet(
                        () -> batch.getReadingsList().stream().map(Reading::toByteArray).toList());
    }

    static byte[] utf8(String deviceId) {
        return deviceId.getBytes(StandardCharsets.UTF_8);
    }

    private static void batchReadings(byte[] batch, List<byte[]> out) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(batch);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == tag(BATCH_READINGS, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                out.add(in.readByteArray());
            } else {
                in.skipField(tag);
            }
        }
    }
}
