package io.sonde.platform.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for one protobuf message type, plain protobuf bytes with no framing, so that any program
 * with the {@code .proto} files can read the topics. A null value stays null (a tombstone on
 * compacted topics). Stateless and thread-safe.
 */
public final class ProtobufSerde<T extends MessageLite>
        implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Parser<T> parser;

    private ProtobufSerde(Parser<T> parser) {
        this.parser = parser;
    }

    public static <T extends MessageLite> ProtobufSerde<T> of(Parser<T> parser) {
        return new ProtobufSerde<>(parser);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : data.toByteArray();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return parser.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("not a valid protobuf record on " + topic, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the parser fixes the type.
    }

    @Override
    public void close() {
        // Nothing to release: the serde holds no resources.
    }
}
