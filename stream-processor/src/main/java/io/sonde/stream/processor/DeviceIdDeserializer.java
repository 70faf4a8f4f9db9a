package io.sonde.stream.processor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The telemetry source's key deserializer: the device id, as one {@code String} instance per device
 * for as long as it stays in the cache. Decoding a fresh string per reading, hashing it and
 * comparing it with the device's map key was 5% of the stream thread's CPU samples; a cached id
 * comes back with its hash computed and is found in the processor's maps by identity.
 *
 * <p>The cache is direct-mapped and fixed in size ({@link #SLOTS} entries, each an id and its UTF-8
 * bytes): two devices whose bytes hash to one slot take turns in it, and a miss decodes as {@code
 * StringDeserializer} would. Thread-safe without locks: Streams shares one instance between the
 * tasks of every stream thread, a slot holds one immutable entry, and a racing miss only writes an
 * equal entry.
 */
final class DeviceIdDeserializer implements Deserializer<String> {
    static final int SLOTS = 8192;

    private record Entry(byte[] utf8, String id) {}

    private final Entry[] cache = new Entry[SLOTS];

    @Override
    public String deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int slot = Arrays.hashCode(data) & (SLOTS - 1);
        Entry e = cache[slot];
        if (e != null && Arrays.equals(e.utf8(), data)) {
            return e.id();
        }
        String id = new String(data, StandardCharsets.UTF_8);
        cache[slot] = new Entry(data.clone(), id);
        return id;
    }
}
