package io.sonde.stream.processor;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.stream.state.Reading;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The telemetry source's value deserializer: the part of each {@code TelemetryRecord} the processor
 * uses ({@link Reading}). A record that is not one fails as Kafka's deserializers do, for the
 * configured deserialization handler. Stateless, thread-safe.
 */
final class ReadingDeserializer implements Deserializer<Reading> {
    @Override
    public Reading deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Reading.parse(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("not a TelemetryRecord in " + topic, e);
        }
    }
}
