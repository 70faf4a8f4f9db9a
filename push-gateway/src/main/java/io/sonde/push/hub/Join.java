package io.sonde.push.hub;

import java.util.List;
import java.util.Map;

/** The outcome of {@link Hub#join}. */
public sealed interface Join {
    /**
     * The subscriber now receives every live event of the channels after {@code start}.
     *
     * @param snapshot the channels' retained events at that instant (empty unless asked for), each
     *     with an id equal to {@code start}
     * @param start the position of the subscription at the instant it joined, for every partition
     *     its channels read
     */
    record Joined(List<PushEvent> snapshot, Cursor start) implements Join {
        public Joined {
            snapshot = List.copyOf(snapshot);
        }
    }

    /**
     * The live stream has already passed what the caller read: it must read on to {@code live}
     * (partition to next offset) and try again.
     */
    record Behind(Map<Integer, Long> live) implements Join {
        public Behind {
            live = Map.copyOf(live);
        }
    }

    /** The subscription was no longer wanted when the hub came to join it: nothing changed. */
    record Abandoned() implements Join {}
}
