package io.sonde.push;

import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Emit;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.Join;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.History;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A history kept in memory for routing tests, which run without Kafka: it keeps every record the
 * test publishes (through {@link #publish}) and replays them as the catch-up readers replay a log,
 * then joins the hub. Records below {@link #expireBelow} count as expired.
 */
final class MemoryHistory implements History {
    private record Stored(Log log, int partition, long offset, List<Emit> emits) {}

    private final Hub hub;
    private final List<Stored> records = new ArrayList<>();
    private final Map<Log, Long> oldest = new TreeMap<>();
    final AtomicInteger replays = new AtomicInteger();
    volatile boolean refuse;

    MemoryHistory(Hub hub) {
        this.hub = hub;
    }

    synchronized void publish(Log log, int partition, long offset, List<Emit> emits) {
        records.add(new Stored(log, partition, offset, emits));
        hub.publish(log, partition, offset, emits);
    }

    /** Offsets below {@code offset} of {@code log} are no longer held. */
    synchronized void expireBelow(Log log, long offset) {
        oldest.put(log, offset);
    }

    @Override
    public boolean replay(Replay replay) {
        if (refuse) {
            return false;
        }
        replays.incrementAndGet();
        Thread.ofVirtual().start(() -> serve(replay));
        return true;
    }

    @Override
    public Map<Integer, Long> positionsAt(Log log, Set<Integer> partitions, long epochMillis) {
        // Tests use the offset as the time.
        Map<Integer, Long> out = new TreeMap<>();
        partitions.forEach(p -> out.put(p, epochMillis));
        return out;
    }

    private void serve(Replay replay) {
        try {
            Map<Integer, Long> read = new TreeMap<>(replay.from());
            long held;
            synchronized (this) {
                held = oldest.getOrDefault(replay.log(), 0L);
            }
            if (read.values().stream().anyMatch(o -> o < held)) {
                read.replaceAll((p, o) -> Math.max(o, held));
                String data =
                        "{\"reason\":\"expired\",\"channels\":[\""
                                + replay.channels().get(0)
                                + "\"]}";
                replay.session()
                        .offerReplay(
                                new PushEvent(
                                        replay.channels().get(0),
                                        PushEvent.GAP,
                                        data,
                                        replay.log(),
                                        -1,
                                        -1,
                                        Cursor.of(replay.log(), read)),
                                Duration.ofSeconds(10));
            }
            while (replay.stillWanted()) {
                Join join =
                        hub.join(
                                replay.log(),
                                replay.channels(),
                                replay.session(),
                                read,
                                false,
                                replay::stillWanted);
                if (!(join instanceof Join.Behind)) {
                    return;
                }
                for (Stored s : snapshot()) {
                    Long at = read.get(s.partition());
                    if (s.log() != replay.log() || at == null || s.offset() < at) {
                        continue;
                    }
                    read.put(s.partition(), s.offset() + 1);
                    for (Emit e : s.emits()) {
                        if (e.name() != null && replay.channels().contains(e.channel())) {
                            Cursor c =
                                    Channels.isFleet(e.channel())
                                            ? Cursor.of(replay.log(), read)
                                            : Cursor.of(
                                                    replay.log(), s.partition(), s.offset() + 1);
                            if (!replay.session()
                                    .offerReplay(
                                            new PushEvent(
                                                    e.channel(),
                                                    e.name(),
                                                    e.data(),
                                                    s.log(),
                                                    s.partition(),
                                                    s.offset(),
                                                    c),
                                            Duration.ofSeconds(10))) {
                                return;
                            }
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized List<Stored> snapshot() {
        return List.copyOf(records);
    }
}
