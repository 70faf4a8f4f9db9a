package io.sonde.push.hub;

import java.util.Objects;

/**
 * What one record means for one channel: an event to publish, a change to the channel's retained
 * state (its snapshot), or both. Built by the publishers from a record, handed to {@link
 * Hub#publish}.
 *
 * @param channel the channel
 * @param name event name, null when nothing is published (a retained entry is only dropped)
 * @param data the event's JSON object, null with {@code name}
 * @param key retention key within the channel, null when retention is untouched
 * @param keep true: the event becomes the retained entry under {@code key}; false: the entry is
 *     dropped (an alert cleared, a device deleted)
 */
public record Emit(String channel, String name, String data, String key, boolean keep) {
    public Emit {
        Objects.requireNonNull(channel, "channel");
        if ((name == null) != (data == null) || (name == null && key == null)) {
            throw new IllegalArgumentException(
                    "an emit publishes an event, changes retention, or both");
        }
        if (keep && (key == null || name == null)) {
            throw new IllegalArgumentException("only a published event can be retained");
        }
    }

    /** An event that leaves the snapshot as it is. */
    public static Emit event(String channel, String name, String data) {
        return new Emit(channel, name, data, null, false);
    }

    /** An event that replaces the retained entry under {@code key}. */
    public static Emit retained(String channel, String name, String data, String key) {
        return new Emit(channel, name, data, key, true);
    }

    /** An event that also removes the retained entry under {@code key}. */
    public static Emit dropping(String channel, String name, String data, String key) {
        return new Emit(channel, name, data, key, false);
    }

    /** No event; the retained entry under {@code key} is removed. */
    public static Emit forget(String channel, String key) {
        return new Emit(channel, null, null, key, false);
    }

    boolean publishes() {
        return name != null;
    }
}
