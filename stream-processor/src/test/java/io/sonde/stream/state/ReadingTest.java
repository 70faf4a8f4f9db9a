package io.sonde.stream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.proto.v1.TelemetryRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand decoder reads what protobuf's generated parser reads, for every record. */
class ReadingTest {
    private static final List<String> NAMES =
            List.of("temperature", "t", "", "humidity_%", "été", "温度", "m".repeat(200));

    @Test
    void randomRecordsDecodeAsTheGeneratedParserDecodesThem() throws Exception {
        Random random = new Random(11);
        for (int run = 0; run < 2_000; run++) {
            TelemetryRecord.Builder b =
                    TelemetryRecord.newBuilder()
                            .setDeviceId("dev-" + random.nextInt(100))
                            .setSeq(random.nextLong() >>> random.nextInt(64))
                            .setTimeUnixNano(random.nextLong())
                            .setReceivedUnixNano(random.nextInt(3) == 0 ? 0 : random.nextLong());
            for (int i = random.nextInt(8); i > 0; i--) {
                b.putMetrics(
                        NAMES.get(random.nextInt(NAMES.size())) + random.nextInt(3),
                        random.nextGaussian() * 1e6);
            }
            for (int i = random.nextInt(4); i > 0; i--) {
                b.putAttributes("a" + i, "v".repeat(random.nextInt(300)));
            }
            TelemetryRecord record = b.build();

            assertSame(Reading.parse(record.toByteArray()), record, run);
        }
    }

    @Test
    void damagedRecordsAreReadAsProtobufReadsThemOrRefusedOnlyWhenProtobufRefusesThem()
            throws Exception {
        Random random = new Random(5);
        int accepted = 0;
        for (int run = 0; run < 20_000; run++) {
            byte[] bytes =
                    TelemetryRecord.newBuilder()
                            .setDeviceId("dev-" + run)
                            .setSeq(random.nextLong() >>> random.nextInt(64))
                            .setTimeUnixNano(random.nextLong())
                            .putMetrics("temperature", random.nextDouble())
                            .putMetrics("humidity", random.nextDouble())
                            .putAttributes("fw", "1.2." + run)
                            .build()
                            .toByteArray();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            TelemetryRecord record;
            try {
                record = TelemetryRecord.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                record = null;
            }
            Reading reading;
            try {
                reading = Reading.parse(bytes);
            } catch (InvalidProtocolBufferException e) {
                assertThat(record).as("run %d: refused what protobuf reads", run).isNull();
                continue;
            }
            if (record != null) {
                assertSame(reading, record, run);
                accepted++;
            }
        }
        assertThat(accepted).as("some damage leaves a readable record").isGreaterThan(1_000);
    }

    @Test
    void groupsAreSkippedAndNestedTooDeepRefusedWithoutExhaustingTheStack() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeTag(9, 3); // a group of an unknown field, with a varint and a nested group
        c.writeUInt64(1, 5);
        c.writeTag(10, 3);
        c.writeTag(10, 4);
        c.writeTag(9, 4);
        c.writeUInt64(2, 7);
        c.flush();
        byte[] grouped = out.toByteArray();
        assertSame(Reading.parse(grouped), TelemetryRecord.parseFrom(grouped), 0);

        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        CodedOutputStream d = CodedOutputStream.newInstance(deep);
        for (int i = 0; i < 100_000; i++) {
            d.writeTag(9, 3);
        }
        d.flush();
        assertThatThrownBy(() -> Reading.parse(deep.toByteArray()))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void aNameRepeatedInOneRecordKeepsItsLastValueAsAProtobufMapDoes() throws Exception {
        byte[] bytes = concat(entry("t", 1.0), entry("h", 5.0), entry("t", 2.0));

        Reading reading = Reading.parse(bytes);

        assertSame(reading, TelemetryRecord.parseFrom(bytes), 0);
        assertThat(reading.size()).isEqualTo(2);
        assertThat(reading.value("t".getBytes()).getAsDouble()).isEqualTo(2.0);
    }

    @Test
    void skipsUnknownFieldsAndTakesDefaultsForMissingEntryParts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeString(99, "from a newer producer");
        c.writeUInt64(2, 7);
        c.writeFixed32(77, 5);
        // A map entry with a value only (key ""), and one with a key only (value 0).
        c.writeTag(5, 2);
        c.writeUInt32NoTag(9);
        c.writeDouble(2, 4.5);
        c.writeTag(5, 2);
        c.writeUInt32NoTag(3);
        c.writeString(1, "k");
        c.flush();
        byte[] bytes = out.toByteArray();

        Reading reading = Reading.parse(bytes);

        assertSame(reading, TelemetryRecord.parseFrom(bytes), 0);
        assertThat(reading.seq()).isEqualTo(7);
    }

    @Test
    void bytesThatAreNotARecordFailAsProtobufFails() {
        byte[] truncated =
                TelemetryRecord.newBuilder().putMetrics("temperature", 1).build().toByteArray();
        byte[] cut = Arrays.copyOf(truncated, truncated.length - 3);

        assertThatThrownBy(() -> TelemetryRecord.parseFrom(cut))
                .isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> Reading.parse(cut))
                .isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> Reading.parse(new byte[] {(byte) 0xFF, (byte) 0xFF}))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void aTableFindsAKnownNameByItsBytesAndCapsNewOnes() throws Exception {
        MetricTable table = new MetricTable(2);
        table.indexOf("temperature");
        Reading reading =
                Reading.parse(
                        TelemetryRecord.newBuilder()
                                .putMetrics("humidity", 1)
                                .putMetrics("temperature", 2)
                                .putMetrics("pressure", 3)
                                .build()
                                .toByteArray());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < reading.size(); i++) {
            index.put(reading.name(i), table.indexOf(reading, i));
        }

        assertThat(index.get("temperature")).isZero();
        assertThat(index.values()).containsOnlyOnce(1).contains(-1);
        assertThat(table.valueIn(reading, 0).getAsDouble()).isEqualTo(2.0);
    }

    @Test
    void aGuessedIndexIsUsedOnlyWhenItsNameMatches() throws Exception {
        MetricTable table = new MetricTable(8);
        table.indexOf("temperature");
        table.indexOf("humidity");
        Reading reading =
                Reading.parse(
                        TelemetryRecord.newBuilder()
                                .putMetrics("humidity", 1)
                                .putMetrics("temperature", 2)
                                .build()
                                .toByteArray());
        int humidity = reading.name(0).equals("humidity") ? 0 : 1;

        assertThat(table.indexOf(reading, humidity, 1)).as("right guess").isEqualTo(1);
        assertThat(table.indexOf(reading, humidity, 0)).as("wrong guess").isEqualTo(1);
        assertThat(table.indexOf(reading, humidity, 7)).as("beyond the names").isEqualTo(1);
        assertThat(table.indexOf(reading, 1 - humidity, -1)).as("no guess").isZero();
        assertThat(table.size()).as("nothing added").isEqualTo(2);
    }

    private static void assertSame(Reading reading, TelemetryRecord record, int run) {
        assertThat(reading.seq()).as("run %d", run).isEqualTo(record.getSeq());
        assertThat(reading.timeUnixNano()).isEqualTo(record.getTimeUnixNano());
        assertThat(reading.receivedUnixNano()).isEqualTo(record.getReceivedUnixNano());
        Map<String, Double> decoded = new HashMap<>();
        for (int i = 0; i < reading.size(); i++) {
            assertThat(decoded.put(reading.name(i), reading.value(i)))
                    .as("each name once")
                    .isNull();
            assertThat(reading.value(reading.name(i).getBytes(StandardCharsets.UTF_8)))
                    .hasValue(reading.value(i));
        }
        assertThat(decoded).as("run %d", run).isEqualTo(record.getMetricsMap());
    }

    private static byte[] entry(String name, double value) throws IOException {
        return TelemetryRecord.newBuilder().putMetrics(name, value).build().toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
