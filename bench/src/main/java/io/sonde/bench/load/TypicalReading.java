package io.sonde.bench.load;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.bench.BenchException;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.proto.v1.Uplink;

/**
 * The Kafka record the ingest gateway writes for one typical reading of {@link UplinkEncoder}: the
 * same fields its publisher sets (device id, seq, device time, receive time, metrics, attributes).
 * Its size is the record size a baseline tool must send to be comparable.
 */
public final class TypicalReading {
    private TypicalReading() {}

    /** The gateway's record for reading {@code seq} of device {@code deviceId}, sent now. */
    public static TelemetryRecord record(String deviceId, long seq) {
        long now = System.currentTimeMillis() * 1_000_000L;
        try {
            Reading r =
                    Uplink.parseFrom(new UplinkEncoder(seq).batch(seq, 1, now))
                            .getBatch()
                            .getReadings(0);
            return TelemetryRecord.newBuilder()
                    .setDeviceId(deviceId)
                    .setSeq(r.getSeq())
                    .setTimeUnixNano(r.getTimeUnixNano())
                    .setReceivedUnixNano(now + 1_000)
                    .putAllMetrics(r.getMetricsMap())
                    .putAllAttributes(r.getAttributesMap())
                    .build();
        } catch (InvalidProtocolBufferException e) {
            throw new BenchException("the encoder wrote an invalid Uplink", e);
        }
    }
}
