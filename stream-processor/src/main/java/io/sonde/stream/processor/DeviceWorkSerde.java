package io.sonde.stream.processor;

import io.sonde.stream.state.DeviceLimits;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.DeviceWorkCodec;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The device store's value serde. Thread-safe: each thread encodes with its own buffer (several
 * stream threads share the store builder's serde; queries decode on HTTP threads).
 */
final class DeviceWorkSerde
        implements Serde<DeviceWork>, Serializer<DeviceWork>, Deserializer<DeviceWork> {
    private final DeviceLimits limits;
    private final ThreadLocal<DeviceWorkCodec> codec =
            ThreadLocal.withInitial(DeviceWorkCodec::new);

    DeviceWorkSerde(DeviceLimits limits) {
        this.limits = limits;
    }

    @Override
    public byte[] serialize(String topic, DeviceWork data) {
        return data == null ? null : codec.get().encode(data);
    }

    @Override
    public DeviceWork deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return DeviceWorkCodec.decode(data, limits);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("unreadable device state in " + topic, e);
        }
    }

    @Override
    public Serializer<DeviceWork> serializer() {
        return this;
    }

    @Override
    public Deserializer<DeviceWork> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the limits fix the layout.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
