package io.sonde.stream.state;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.proto.v1.TelemetryRecord;
import java.util.Map;

/** Readings for tests, made as the processor gets them: from a serialized TelemetryRecord. */
final class Readings {
    private Readings() {}

    static Reading of(Map<String, Double> metrics) {
        return of(TelemetryRecord.newBuilder().setDeviceId("d").putAllMetrics(metrics).build());
    }

    static Reading of(TelemetryRecord record) {
        try {
            return Reading.parse(record.toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("a built record is valid", e);
        }
    }
}
