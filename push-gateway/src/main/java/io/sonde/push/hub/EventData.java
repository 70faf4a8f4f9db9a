package io.sonde.push.hub;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The JSON object of an event, encoded at most once and only when something needs it: a subscriber,
 * a snapshot or a REST read. Most records the fan-out reads change a channel's retained entry and
 * reach no subscriber (an aggregate window of a device nobody watches is replaced many times before
 * anyone asks), so encoding them at once cost the fan-out consumer more CPU than the readings that
 * were delivered (the latency benchmark's profile, BENCHMARKS.md).
 *
 * <p>Thread-safe: the encoding runs on the first thread that asks (the fan-out consumer, a session
 * writer or a request thread); two threads asking at once may both encode, which is harmless
 * because encoding is deterministic and without side effects. The supplier is dropped once the JSON
 * is held, so a retained entry does not keep both the record and its JSON.
 */
public final class EventData {
    private volatile String json;
    private volatile Supplier<String> encode;

    private EventData(String json, Supplier<String> encode) {
        this.json = json;
        this.encode = encode;
    }

    /** Data already encoded. */
    public static EventData of(String json) {
        return new EventData(Objects.requireNonNull(json, "json"), null);
    }

    /**
     * Data encoded on first use by {@code encode}, which must be deterministic, free of side
     * effects, safe to call from any thread, and never return null.
     */
    public static EventData lazy(Supplier<String> encode) {
        return new EventData(null, Objects.requireNonNull(encode, "encode"));
    }

    /** The JSON object. */
    public String json() {
        String j = json;
        if (j != null) {
            return j;
        }
        Supplier<String> e = encode;
        if (e == null) {
            return json; // another thread finished between the two reads
        }
        j = Objects.requireNonNull(e.get(), "encoded data");
        json = j;
        encode = null;
        return j;
    }

    @Override
    public String toString() {
        return json();
    }
}
