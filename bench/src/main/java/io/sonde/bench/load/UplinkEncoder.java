package io.sonde.bench.load;

import com.google.protobuf.CodedOutputStream;
import io.sonde.bench.BenchException;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Encodes {@code Uplink{batch}} frames of "typical" readings straight to protobuf bytes: five
 * metrics (temperature, humidity, pressure, battery, rssi) whose values move from reading to
 * reading, and two attributes (firmware, model), as the simulator sends them. Encoding by hand
 * keeps the load generator's CPU share small; {@code UplinkEncoderTest} checks the bytes against
 * the generated parser.
 *
 * <p>Not thread-safe: one encoder per sending thread or per device.
 */
public final class UplinkEncoder {
    /** The metric names of a typical reading, in wire order. */
    public static final String[] METRICS = {
        "temperature", "humidity", "pressure", "battery", "rssi"
    };

    /** The attributes of a typical reading. */
    public static final Map<String, String> ATTRIBUTES =
            Map.of("firmware", "1.5.1", "model", "sonde-th2");

    private static final int UPLINK_BATCH = 1;
    private static final int BATCH_READINGS = 1;
    private static final int READING_SEQ = 1;
    private static final int READING_TIME = 2;
    private static final int READING_METRICS = 3;
    private static final int READING_ATTRIBUTES = 4;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final double[] BASE = {21.5, 48.0, 1013.25, 87.5, -67.0};

    private final SplittableRandom random;
    private final int metricsSize;
    private final int attributesSize;

    public UplinkEncoder(long seed) {
        this.random = new SplittableRandom(seed);
        int m = 0;
        for (String name : METRICS) {
            m += entryFieldSize(READING_METRICS, metricEntrySize(name));
        }
        this.metricsSize = m;
        int a = 0;
        for (var e : ATTRIBUTES.entrySet()) {
            a += entryFieldSize(READING_ATTRIBUTES, attributeEntrySize(e.getKey(), e.getValue()));
        }
        this.attributesSize = a;
    }

    /**
     * One {@code Uplink} with a batch of {@code count} readings, seqs {@code firstSeq...}, all at
     * device time {@code timeUnixNano}.
     */
    public byte[] batch(long firstSeq, int count, long timeUnixNano) {
        int readings = 0;
        for (int i = 0; i < count; i++) {
            readings += entryFieldSize(BATCH_READINGS, readingSize(firstSeq + i, timeUnixNano));
        }
        byte[] frame = new byte[entryFieldSize(UPLINK_BATCH, readings)];
        CodedOutputStream out = CodedOutputStream.newInstance(frame);
        try {
            out.writeTag(UPLINK_BATCH, 2);
            out.writeUInt32NoTag(readings);
            for (int i = 0; i < count; i++) {
                long seq = firstSeq + i;
                out.writeTag(BATCH_READINGS, 2);
                out.writeUInt32NoTag(readingSize(seq, timeUnixNano));
                writeReading(out, seq, timeUnixNano);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new BenchException("encoding a batch failed", e);
        }
        return frame;
    }

    private void writeReading(CodedOutputStream out, long seq, long time) throws IOException {
        out.writeUInt64(READING_SEQ, seq);
        out.writeInt64(READING_TIME, time);
        for (int i = 0; i < METRICS.length; i++) {
            out.writeTag(READING_METRICS, 2);
            out.writeUInt32NoTag(metricEntrySize(METRICS[i]));
            out.writeString(ENTRY_KEY, METRICS[i]);
            // Two decimals, like a sensor: values differ per reading as real ones do.
            out.writeDouble(
                    ENTRY_VALUE, Math.round((BASE[i] + random.nextDouble(-2, 2)) * 100) / 100.0);
        }
        for (var e : ATTRIBUTES.entrySet()) {
            out.writeTag(READING_ATTRIBUTES, 2);
            out.writeUInt32NoTag(attributeEntrySize(e.getKey(), e.getValue()));
            out.writeString(ENTRY_KEY, e.getKey());
            out.writeString(ENTRY_VALUE, e.getValue());
        }
    }

    private int readingSize(long seq, long time) {
        return CodedOutputStream.computeUInt64Size(READING_SEQ, seq)
                + CodedOutputStream.computeInt64Size(READING_TIME, time)
                + metricsSize
                + attributesSize;
    }

    private static int metricEntrySize(String name) {
        return CodedOutputStream.computeStringSize(ENTRY_KEY, name)
                + CodedOutputStream.computeDoubleSize(ENTRY_VALUE, 1.0);
    }

    private static int attributeEntrySize(String key, String value) {
        return CodedOutputStream.computeStringSize(ENTRY_KEY, key)
                + CodedOutputStream.computeStringSize(ENTRY_VALUE, value);
    }

    private static int entryFieldSize(int field, int size) {
        return CodedOutputStream.computeTagSize(field)
                + CodedOutputStream.computeUInt32SizeNoTag(size)
                + size;
    }
}
