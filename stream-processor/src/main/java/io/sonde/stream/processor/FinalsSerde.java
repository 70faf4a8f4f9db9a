package io.sonde.stream.processor;

import com.google.protobuf.CodedOutputStream;
import io.sonde.proto.v1.Aggregate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The history stores' value: the final aggregates of every metric of one closed window of one
 * device, as length-delimited {@code Aggregate} messages. One store entry (and one changelog
 * record) per closed window, however many metrics the device has. Stateless, thread-safe.
 */
final class FinalsSerde
        implements Serde<List<Aggregate>>,
                Serializer<List<Aggregate>>,
                Deserializer<List<Aggregate>> {

    @Override
    public byte[] serialize(String topic, List<Aggregate> finals) {
        if (finals == null) {
            return null;
        }
        // Sized exactly and written in place: one array per window, no stream buffers or copies.
        int size = 0;
        for (Aggregate a : finals) {
            int n = a.getSerializedSize();
            size += CodedOutputStream.computeUInt32SizeNoTag(n) + n;
        }
        byte[] bytes = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            for (Aggregate a : finals) {
                out.writeUInt32NoTag(a.getSerializedSize());
                a.writeTo(out);
            }
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("an array sized for the messages cannot overflow", e);
        }
        return bytes;
    }

    @Override
    public List<Aggregate> deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        List<Aggregate> out = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try {
            for (Aggregate a = Aggregate.parseDelimitedFrom(in);
                    a != null;
                    a = Aggregate.parseDelimitedFrom(in)) {
                out.add(a);
            }
        } catch (IOException e) {
            throw new SerializationException("unreadable window history in " + topic, e);
        }
        return out;
    }

    @Override
    public Serializer<List<Aggregate>> serializer() {
        return this;
    }

    @Override
    public Deserializer<List<Aggregate>> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
