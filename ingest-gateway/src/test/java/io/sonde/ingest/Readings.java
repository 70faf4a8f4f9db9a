package io.sonde.ingest;

import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;

/** Test batches. */
public final class Readings {
    private Readings() {}

    static Reading reading(long seq, double temperature) {
        return Reading.newBuilder()
                .setSeq(seq)
                .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                .putMetrics("temperature", temperature)
                .putAttributes("fw", "1.2.3")
                .build();
    }

    public static Uplink batch(long firstSeq, int count) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder();
        for (int i = 0; i < count; i++) {
            b.addReadings(reading(firstSeq + i, 20 + i));
        }
        return Uplink.newBuilder().setBatch(b).build();
    }

    static Uplink of(Reading... readings) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder();
        for (Reading r : readings) {
            b.addReadings(r);
        }
        return Uplink.newBuilder().setBatch(b).build();
    }
}
