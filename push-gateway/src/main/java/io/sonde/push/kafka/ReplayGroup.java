package io.sonde.push.kafka;

import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Join;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.History.Replay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Replays of one log that one read serves together: clients that reconnect at the same time (a
 * gateway restart, a network blip) resume from nearby positions, and reading a partition once for
 * all of them, instead of once per client, is what keeps a thousand resumes from queueing behind
 * each other. The read starts at the lowest position of the group on each partition; each record
 * goes to every replay that starts at or before it and follows its key (device channels) or every
 * key (fleet channels). Each replay joins the live stream on its own, as soon as the hub accepts
 * its positions.
 *
 * <p>Bounds: replays join a group only while their positions on every partition lie within {@link
 * #MAX_SPREAD} records of the others', so one old cursor does not hold back recent ones. A client
 * whose queue has no room for a record's events leaves the group: it is handed back ({@code
 * requeue}) with its positions, to be served again, instead of making the group wait for it. A
 * replay alone in its group waits for room instead, as long as a client may take to read.
 *
 * <p>Threading: one catch-up reader's thread.
 */
final class ReplayGroup {
    /** Most records between the lowest and the highest start of a group on one partition. */
    static final long MAX_SPREAD = 100_000;

    /** One replay's progress. {@code from} is where it starts; {@code read} how far it got. */
    static final class Reading {
        final Replay replay;
        final Map<Integer, Long> from;
        final Map<Integer, Long> read;
        final boolean expired;
        final long startedNanos;
        private boolean active = true;

        Reading(Replay replay, Map<Integer, Long> from, boolean expired, long startedNanos) {
            this.replay = replay;
            this.from = Map.copyOf(from);
            this.read = new TreeMap<>(from);
            this.expired = expired;
            this.startedNanos = startedNanos;
        }
    }

    /** What becomes of a replay that leaves the group. */
    interface Outcomes {
        /** It joined the live stream ({@link Join.Joined}). */
        void joined(Reading reading);

        /**
         * Its client could not take more now: serve {@code rest} (the replay from where it got to)
         * again.
         */
        void requeue(Replay rest);
    }

    private final Log log;
    private final List<Reading> active = new ArrayList<>();
    private final Map<String, List<Reading>> byDevice = new HashMap<>();
    private final List<Reading> fleet = new ArrayList<>();
    private final Map<Integer, Long> lowest = new TreeMap<>();
    private final Map<Integer, Long> highest = new TreeMap<>();

    private ReplayGroup(Log log) {
        this.log = log;
    }

    /** The readings of one log in as few groups as {@link #MAX_SPREAD} allows, in order. */
    static List<ReplayGroup> of(Log log, List<Reading> readings) {
        List<ReplayGroup> groups = new ArrayList<>();
        for (Reading r : readings) {
            ReplayGroup home = null;
            for (ReplayGroup g : groups) {
                if (g.fits(r)) {
                    home = g;
                    break;
                }
            }
            if (home == null) {
                home = new ReplayGroup(log);
                groups.add(home);
            }
            home.add(r);
        }
        return groups;
    }

    /** Where the read starts: the lowest position of any replay, per partition. */
    Map<Integer, Long> start() {
        return Map.copyOf(lowest);
    }

    boolean isEmpty() {
        return active.isEmpty();
    }

    int size() {
        return active.size();
    }

    /**
     * Asks the hub to join every replay still reading at its positions; those that joined, or whose
     * subscription ended, leave the group.
     */
    void joinAll(Hub hub, Outcomes outcomes) {
        for (Reading r : List.copyOf(active)) {
            Join join =
                    r.replay.stillWanted()
                            ? hub.join(
                                    log,
                                    r.replay.channels(),
                                    r.replay.session(),
                                    r.read,
                                    false,
                                    r.replay::stillWanted)
                            : new Join.Abandoned();
            if (join instanceof Join.Behind) {
                continue;
            }
            leave(r);
            if (join instanceof Join.Joined) {
                outcomes.joined(r);
            }
        }
    }

    /**
     * Hands one record to every replay that wants it.
     *
     * @param clientWait how long a replay may wait for room: room seen a moment before, or, alone
     *     in its group, any room
     */
    void dispatch(
            ConsumerRecord<byte[], byte[]> record,
            LogSource<?> source,
            Duration clientWait,
            Outcomes outcomes)
            throws InterruptedException {
        List<Reading> candidates = candidates(LogSource.key(record));
        if (candidates.isEmpty()) {
            return;
        }
        List<Emit> emits;
        try {
            emits = source.emits(record);
        } catch (SerializationException e) {
            return; // the live consumer counts and logs it
        }
        // A device channel's event is the same for every replay (its cursor names only this
        // record): one instance, so the transports build its frame once.
        Map<String, PushEvent> shared = new HashMap<>();
        for (Reading r : candidates) {
            Long start = r.from.get(record.partition());
            if (!r.active || start == null || record.offset() < start) {
                continue;
            }
            if (r.replay.session().isClosed()) {
                leave(r);
                continue;
            }
            List<PushEvent> events = events(r, record, emits, shared);
            // Alone, a replay waits for room as long as a client may take (then the client is
            // closed as slow): handing it back would only read the same records again.
            if (active.size() > 1 && events.size() > r.replay.session().room()) {
                // Checked before any of the record's events: a client handed back resumes at
                // this record, so none of them can reach it twice.
                leave(r);
                Map<Integer, Long> rest = new TreeMap<>(r.read);
                rest.put(record.partition(), record.offset());
                outcomes.requeue(withPositions(r.replay, rest));
                continue;
            }
            for (PushEvent event : events) {
                if (!r.replay.session().offerReplay(event, clientWait)) {
                    leave(r); // closed meanwhile
                    break;
                }
            }
        }
    }

    /**
     * After a poll: the consumer's {@code positions} passed every record below them, so each replay
     * has read up to there too (records it skipped were not for it).
     */
    void advance(Map<Integer, Long> positions) {
        for (Reading r : active) {
            for (Map.Entry<Integer, Long> e : r.read.entrySet()) {
                Long at = positions.get(e.getKey());
                if (at != null && at > e.getValue()) {
                    e.setValue(at);
                }
            }
        }
    }

    /** Each replay's events of {@code record}, cursors as of just after it. */
    private List<PushEvent> events(
            Reading r,
            ConsumerRecord<byte[], byte[]> record,
            List<Emit> emits,
            Map<String, PushEvent> shared) {
        r.read.put(record.partition(), record.offset() + 1);
        List<PushEvent> events = new ArrayList<>(emits.size());
        for (Emit emit : emits) {
            if (emit.name() == null || !r.replay.channels().contains(emit.channel())) {
                continue;
            }
            if (Channels.isFleet(emit.channel())) {
                events.add(event(emit, record, Cursor.of(log, r.read)));
            } else {
                events.add(
                        shared.computeIfAbsent(
                                emit.channel(),
                                c ->
                                        event(
                                                emit,
                                                record,
                                                Cursor.of(
                                                        log,
                                                        record.partition(),
                                                        record.offset() + 1))));
            }
        }
        return events;
    }

    private PushEvent event(Emit emit, ConsumerRecord<byte[], byte[]> record, Cursor cursor) {
        return new PushEvent(
                emit.channel(),
                emit.name(),
                emit.data(),
                log,
                record.partition(),
                record.offset(),
                cursor);
    }

    private List<Reading> candidates(String key) {
        List<Reading> devices = key == null ? List.of() : byDevice.getOrDefault(key, List.of());
        if (fleet.isEmpty()) {
            return devices;
        }
        if (devices.isEmpty()) {
            return fleet;
        }
        List<Reading> both = new ArrayList<>(devices);
        both.addAll(fleet);
        return both;
    }

    private boolean fits(Reading r) {
        for (Map.Entry<Integer, Long> e : r.from.entrySet()) {
            Long low = lowest.get(e.getKey());
            Long high = highest.get(e.getKey());
            if (low != null
                    && Math.max(high, e.getValue()) - Math.min(low, e.getValue()) > MAX_SPREAD) {
                return false;
            }
        }
        return true;
    }

    private void add(Reading r) {
        active.add(r);
        r.from.forEach((p, offset) -> {
            lowest.merge(p, offset, Math::min);
            highest.merge(p, offset, Math::max);
        });
        // A replay with any fleet channel sees every record (once): no device entries for it.
        if (r.replay.channels().stream().anyMatch(c -> Channels.device(c).isEmpty())) {
            fleet.add(r);
            return;
        }
        for (String channel : r.replay.channels()) {
            Channels.device(channel)
                    .ifPresent(d -> byDevice.computeIfAbsent(d, k -> new ArrayList<>()).add(r));
        }
    }

    private void leave(Reading r) {
        r.active = false;
        active.remove(r);
    }

    private static Replay withPositions(Replay replay, Map<Integer, Long> positions) {
        return new Replay(
                replay.session(), replay.log(), replay.channels(), positions, replay.generations());
    }

    /** Runs {@code action} for each replay still reading (to end them when the read fails). */
    void forEachActive(Consumer<Reading> action) {
        List.copyOf(active).forEach(action);
    }
}
