package io.sonde.push.hub;

import java.util.Objects;

/**
 * One event as subscribers see it (docs/streams.md), already serialized: every subscriber of a
 * channel receives the same instance, so the JSON is written once per event, not once per socket.
 *
 * @param channel the channel it was published on, e.g. {@code telemetry:dev-1}
 * @param name event name: {@code telemetry}, {@code aggregate}, {@code device}
 * @param id opaque cursor naming the event's position in its source log
 * @param data the event's JSON object
 */
public record PushEvent(String channel, String name, String id, String data) {
    public PushEvent {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(data, "data");
    }
}
