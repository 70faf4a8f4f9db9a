package io.sonde.push.hub;

import java.util.Objects;

/**
 * One event as subscribers see it (docs/streams.md), already serialized: every subscriber of a
 * channel receives the same instance, so the JSON and the id are written once per event, not once
 * per socket.
 *
 * @param channel the channel it was published on, e.g. {@code telemetry:dev-1}
 * @param name event name: {@code telemetry}, {@code aggregate}, {@code device}, {@code alert}, or
 *     {@link #GAP}
 * @param data the event's JSON object
 * @param log the log of the record it came from
 * @param partition that record's partition, -1 for a {@link #GAP}
 * @param offset that record's offset, -1 for a {@link #GAP}
 * @param cursor the channel's position right after this event; its encoding is the event id
 */
public record PushEvent(
        String channel,
        String name,
        String data,
        Log log,
        int partition,
        long offset,
        Cursor cursor) {
    /** Name of the notice that a resume skipped expired data (docs/streams.md). */
    public static final String GAP = "gap";

    public PushEvent {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(cursor, "cursor");
    }

    /** The opaque event id. */
    public String id() {
        return cursor.encode();
    }

    public boolean isGap() {
        return GAP.equals(name);
    }
}
