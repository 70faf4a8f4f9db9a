package io.sonde.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.sonde.ingest.Readings;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.proto.v1.Uplink;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Records copied from wire bytes read exactly like records built field by field. */
class RecordEncoderTest {
    private static final long RECEIVED = 1_764_000_000_000_000_000L;

    @Test
    void aCopiedRecordEqualsTheBuiltOneOverRandomReadings() throws Exception {
        Random random = new Random(7);
        for (int run = 0; run < 2_000; run++) {
            Reading reading = randomReading(random);
            byte[] wire = reading.toByteArray();

            TelemetryRecord copied =
                    TelemetryRecord.parseFrom(
                            RecordEncoder.record(RecordEncoder.utf8("dev-α"), wire, RECEIVED));

            assertThat(copied).isEqualTo(built("dev-α", reading));
        }
    }

    @Test
    void duplicateMapKeysAndUnknownFieldsReadAsProtobufWouldReadThem() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(raw);
        out.writeUInt64(1, 9);
        out.writeByteArray(3, entry("t", 1.0));
        out.writeByteArray(3, entry("t", 2.0)); // the last one wins
        out.writeString(99, "from a newer device");
        out.writeUInt64(3, 5); // field 3 with a varint: an unknown field to protobuf
        out.flush();
        Reading parsed = Reading.parseFrom(raw.toByteArray());

        TelemetryRecord copied =
                TelemetryRecord.parseFrom(
                        RecordEncoder.record(RecordEncoder.utf8("d"), raw.toByteArray(), RECEIVED));

        assertThat(copied.getMetricsMap()).containsExactlyEntriesOf(parsed.getMetricsMap());
        assertThat(copied).isEqualTo(built("d", parsed));
        assertThat(copied.getUnknownFields()).isEqualTo(UnknownFieldSet.getDefaultInstance());
    }

    @Test
    void findsTheReadingsOfAnUplinkAndOfABatchAndOfMergedBatches() throws Exception {
        Uplink one = Readings.batch(1, 3);
        Uplink two = Readings.batch(4, 2);
        byte[] merged = concat(one.toByteArray(), two.toByteArray()); // two batch fields merge
        TelemetryBatch mergedBatch = Uplink.parseFrom(merged).getBatch();

        assertThat(RecordEncoder.readings(one.toByteArray(), true, 3)).get().asList().hasSize(3);
        assertThat(RecordEncoder.readings(one.getBatch().toByteArray(), false, 3)).isPresent();
        List<byte[]> wire = RecordEncoder.wireReadings(Optional.of(merged), true, mergedBatch);
        assertThat(wire).hasSize(5);
        assertThat(Reading.parseFrom(wire.get(4))).isEqualTo(mergedBatch.getReadings(4));
        assertThat(RecordEncoder.readings(one.toByteArray(), true, 4))
                .as("a count that does not match is not trusted")
                .isEmpty();
    }

    private static TelemetryRecord built(String deviceId, Reading r) {
        long time = r.getTimeUnixNano() == 0 ? RECEIVED : r.getTimeUnixNano();
        return TelemetryRecord.newBuilder()
                .setDeviceId(deviceId)
                .setSeq(r.getSeq())
                .setTimeUnixNano(time)
                .setReceivedUnixNano(RECEIVED)
                .putAllMetrics(r.getMetricsMap())
                .putAllAttributes(r.getAttributesMap())
                .build();
    }

    private static Reading randomReading(Random random) {
        Reading.Builder r =
                Reading.newBuilder().setSeq(random.nextInt(3) == 0 ? 0 : random.nextLong(1L << 62));
        if (random.nextBoolean()) {
            r.setTimeUnixNano(RECEIVED - random.nextInt(1_000_000));
        }
        for (int k = random.nextInt(8); k > 0; k--) {
            r.putMetrics("m" + random.nextInt(10), random.nextGaussian() * 100);
        }
        for (int k = random.nextInt(4); k > 0; k--) {
            r.putAttributes("a" + random.nextInt(5), "välue-" + random.nextInt(1000));
        }
        if (random.nextBoolean()) {
            r.setTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        }
        return r.build();
    }

    private static byte[] entry(String key, double value) throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(raw);
        out.writeString(1, key);
        out.writeDouble(2, value);
        out.flush();
        return raw.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
