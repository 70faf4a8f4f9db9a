package io.sonde.push.transport;

import io.sonde.push.hub.PushEvent;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The wire bytes of recent events for one transport. Every subscriber of a channel is handed the
 * same {@link PushEvent} instance at about the same moment, and mostly sends it with the event's
 * own id, so the frame is built and UTF-8 encoded once and then copied to each socket; building it
 * per subscriber was the push gateway's top CPU cost in the fan-out benchmark.
 *
 * <p>A fixed number of slots indexed by identity hash: bounded memory, no eviction thread; a
 * collision only costs a rebuild. Thread-safe: slots hold immutable pairs.
 */
final class FrameCache<T> {
    private static final int SLOTS = 1024;

    private record Slot<T>(PushEvent event, T frame) {}

    private final AtomicReferenceArray<Slot<T>> slots = new AtomicReferenceArray<>(SLOTS);
    private final Function<PushEvent, T> format;

    /**
     * @param format the frame of an event sent with its own id (bytes for SSE, text for WebSocket)
     */
    FrameCache(Function<PushEvent, T> format) {
        this.format = format;
    }

    /** The frame of {@code event} with its own id; the caller must not modify it. */
    T frame(PushEvent event) {
        int i = (System.identityHashCode(event) & Integer.MAX_VALUE) % SLOTS;
        Slot<T> slot = slots.get(i);
        if (slot != null && slot.event() == event) {
            return slot.frame();
        }
        T frame = format.apply(event);
        slots.set(i, new Slot<>(event, frame));
        return frame;
    }
}
