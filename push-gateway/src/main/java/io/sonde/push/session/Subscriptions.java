package io.sonde.push.session;

import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Join;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts and ends the subscriptions of sessions, the one place that decides where a subscription
 * begins (docs/streams.md): live with or without a snapshot, right after a cursor, or from a time.
 * Live starts join the hub at once; the others replay history first ({@link History}), which joins
 * the hub when it has caught up.
 *
 * <p>Channels a cursor does not name at all start as if there were no cursor (with a snapshot);
 * partitions of a named log that the cursor lacks start where the live stream is now. A cursor
 * issued inside a snapshot starts over with a fresh snapshot.
 *
 * <p>Thread-safe.
 */
public final class Subscriptions {
    /** Where a subscription starts. */
    public sealed interface From {
        /** Live events from now, after the current state when {@code snapshot}. */
        record Live(boolean snapshot) implements From {}

        /** Right after the event that carried {@code cursor}. */
        record Resume(Cursor cursor) implements From {}

        /** From the first record at or after a time (epoch ms). */
        record Since(long epochMillis) implements From {}
    }

    /**
     * What a transport writes first.
     *
     * @param snapshot the current state of the live-started channels, ids not yet stamped (see
     *     {@link SessionCursor#stamp})
     * @param start where the subscription begins, to start the client's {@link SessionCursor}
     */
    public record Started(List<PushEvent> snapshot, Cursor start) {
        public Started {
            snapshot = List.copyOf(snapshot);
        }
    }

    private final Hub hub;
    private final History history;
    private final SubscriptionMeters meters;

    public Subscriptions(Hub hub, History history, SubscriptionMeters meters) {
        this.hub = hub;
        this.history = history;
        this.meters = meters;
    }

    /**
     * Subscribes {@code session} to {@code channels} (valid names, no repeats), starting {@code
     * from}.
     *
     * @throws HistoryException when history is needed and cannot be read now; nothing is subscribed
     *     then
     * @throws IllegalStateException while the gateway has not read its logs yet
     */
    public Started subscribe(Session session, List<String> channels, From from)
            throws HistoryException {
        if (from instanceof From.Resume r && r.cursor().snapshotPending()) {
            from = new From.Live(true);
        }
        Map<Log, List<String>> byLog = new LinkedHashMap<>();
        for (String channel : channels) {
            byLog.computeIfAbsent(Channels.log(channel), l -> new ArrayList<>()).add(channel);
        }
        List<PushEvent> snapshot = new ArrayList<>();
        Cursor start = Cursor.empty();
        try {
            for (Map.Entry<Log, List<String>> group : byLog.entrySet()) {
                start =
                        start.merge(
                                begin(session, group.getKey(), group.getValue(), from, snapshot));
            }
        } catch (HistoryException | RuntimeException e) {
            channels.forEach(c -> unsubscribe(session, c));
            throw e;
        }
        return new Started(snapshot, start);
    }

    /** Ends the subscription of {@code session} to {@code channel}; harmless if none. */
    public void unsubscribe(Session session, String channel) {
        if (session.untrack(channel)) {
            meters.unsubscribed();
        }
        hub.unsubscribe(channel, session);
    }

    /** Ends every subscription of {@code session}. */
    public void unsubscribeAll(Session session) {
        for (String channel : session.channels()) {
            unsubscribe(session, channel);
        }
    }

    private Cursor begin(
            Session session, Log log, List<String> channels, From from, List<PushEvent> snapshot)
            throws HistoryException {
        Map<String, Long> generations = new HashMap<>();
        for (String channel : channels) {
            if (session.subscribed(channel)) {
                // A new start replaces the old subscription; its replay, if any, sees the new
                // generation and stops.
                hub.unsubscribe(channel, session);
            } else {
                meters.subscribed();
            }
            generations.put(channel, session.track(channel));
        }
        Set<Integer> partitions = hub.partitionsOf(channels);
        Map<Integer, Long> positions;
        switch (from) {
            case From.Live live -> {
                return joinLive(session, log, channels, live.snapshot(), snapshot);
            }
            case From.Resume resume -> {
                Map<Integer, Long> named = resume.cursor().positions(log);
                if (named.isEmpty()) {
                    return joinLive(session, log, channels, true, snapshot);
                }
                positions = new HashMap<>(hub.live(log, partitions));
                positions.keySet().retainAll(partitions);
                named.forEach((p, o) -> positions.computeIfPresent(p, (k, v) -> o));
            }
            case From.Since since ->
                    positions =
                            new HashMap<>(
                                    history.positionsAt(log, partitions, since.epochMillis()));
        }
        if (!history.replay(new History.Replay(session, log, channels, positions, generations))) {
            throw new HistoryException("too many streams are resuming now; retry in a second");
        }
        return Cursor.of(log, positions);
    }

    private Cursor joinLive(
            Session session,
            Log log,
            List<String> channels,
            boolean withSnapshot,
            List<PushEvent> snapshot) {
        Join.Joined joined =
                (Join.Joined) hub.join(log, channels, session, Map.of(), withSnapshot, () -> true);
        snapshot.addAll(joined.snapshot());
        return joined.start();
    }
}
