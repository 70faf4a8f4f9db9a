package io.sonde.push.transport;

import io.sonde.push.hub.PushEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The SSE wire bytes of recent events. Every subscriber of a channel is handed the same {@link
 * PushEvent} instance at about the same moment, so the frame is built and UTF-8 encoded once and
 * then copied to each socket; building it per subscriber was the push gateway's top CPU cost in the
 * fan-out benchmark.
 *
 * <p>A fixed number of slots indexed by identity hash: bounded memory, no eviction thread; a
 * collision only costs a rebuild. Thread-safe: slots hold immutable pairs.
 */
final class SseFrames {
    private static final int SLOTS = 1024;

    private record Slot(PushEvent event, byte[] frame) {}

    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);

    /** The frame of {@code event}; the caller must not modify the returned array. */
    byte[] frame(PushEvent event) {
        int i = (System.identityHashCode(event) & Integer.MAX_VALUE) % SLOTS;
        Slot slot = slots.get(i);
        if (slot != null && slot.event() == event) {
            return slot.frame();
        }
        byte[] frame =
                SseWriter.frame(event.id(), event.name(), event.data())
                        .getBytes(StandardCharsets.UTF_8);
        slots.set(i, new Slot(event, frame));
        return frame;
    }
}
