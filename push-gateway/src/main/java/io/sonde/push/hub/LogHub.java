package io.sonde.push.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The part of the {@link Hub} fed by one log: its channels and how far the live stream has got in
 * each partition. One lock serializes publishing and joining, which is what makes a join exact: a
 * subscriber joining at position P sees every event of a record at or after P and none before it.
 */
final class LogHub {
    private final Log log;
    // A ReentrantLock, not synchronized: joiners may run on virtual threads, which a monitor pins
    // to their carrier on Java 21.
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Channel> channels = new HashMap<>();
    // next[p]: offset after the last record of partition p published; 0 before any.
    private long[] next = new long[0];

    LogHub(Log log) {
        this.log = log;
    }

    void begin(long[] positions) {
        lock.lock();
        try {
            if (positions.length > next.length) {
                next = Arrays.copyOf(next, positions.length);
            }
            for (int p = 0; p < positions.length; p++) {
                next[p] = Math.max(next[p], positions[p]);
            }
        } finally {
            lock.unlock();
        }
    }

    int partitions() {
        lock.lock();
        try {
            return next.length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the live position of {@code partition} past {@code offset} and publishes what the
     * record means for each channel.
     */
    void publish(int partition, long offset, List<Emit> emits) {
        lock.lock();
        try {
            if (partition >= next.length) {
                next = Arrays.copyOf(next, partition + 1);
            }
            next[partition] = Math.max(next[partition], offset + 1);
            Cursor fleet = null;
            for (Emit emit : emits) {
                Channel ch = channels.get(emit.channel());
                if (ch == null && !emit.keep()) {
                    continue; // nobody listens and nothing is retained
                }
                if (ch == null) {
                    ch = new Channel();
                    channels.put(emit.channel(), ch);
                }
                if (emit.publishes()) {
                    Cursor cursor;
                    if (Channels.isFleet(emit.channel())) {
                        fleet = fleet != null ? fleet : Cursor.of(log, next);
                        cursor = fleet;
                    } else {
                        cursor = Cursor.of(log, partition, offset + 1);
                    }
                    PushEvent event =
                            new PushEvent(
                                    emit.channel(),
                                    emit.name(),
                                    emit.data(),
                                    log,
                                    partition,
                                    offset,
                                    cursor);
                    retain(ch, emit, event);
                    ch.offer(event);
                } else {
                    ch.forget(emit.key());
                }
                if (ch.unused()) {
                    channels.remove(emit.channel());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    Join join(
            Collection<String> names,
            Map<Integer, Long> readUpTo,
            Collection<Integer> partitions,
            Subscriber subscriber,
            boolean snapshot,
            BooleanSupplier wanted) {
        lock.lock();
        try {
            if (!wanted.getAsBoolean()) {
                return new Join.Abandoned();
            }
            Map<Integer, Long> start = new TreeMap<>();
            Map<Integer, Long> floors = new HashMap<>();
            boolean behind = false;
            for (int p : partitions) {
                long live = p < next.length ? next[p] : 0;
                Long read = readUpTo.get(p);
                if (read == null) {
                    start.put(p, live);
                } else if (read < live) {
                    behind = true;
                    start.put(p, live);
                } else {
                    start.put(p, read);
                    floors.put(p, read);
                }
            }
            if (behind) {
                return new Join.Behind(start);
            }
            Cursor at = Cursor.of(log, start);
            List<PushEvent> events = new ArrayList<>();
            for (String name : names) {
                Channel ch = channels.computeIfAbsent(name, n -> new Channel());
                ch.add(subscriber, floors);
                if (snapshot) {
                    for (PushEvent e : ch.retained()) {
                        events.add(
                                new PushEvent(
                                        e.channel(),
                                        e.name(),
                                        e.data(),
                                        log,
                                        e.partition(),
                                        e.offset(),
                                        at));
                    }
                }
            }
            return new Join.Joined(events, at);
        } finally {
            lock.unlock();
        }
    }

    Map<Integer, Long> live(Collection<Integer> partitions) {
        lock.lock();
        try {
            Map<Integer, Long> out = new TreeMap<>();
            for (int p : partitions) {
                out.put(p, p < next.length ? next[p] : 0);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    void unsubscribe(String name, Subscriber subscriber) {
        lock.lock();
        try {
            Channel ch = channels.get(name);
            if (ch != null) {
                ch.remove(subscriber);
                if (ch.unused()) {
                    channels.remove(name);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    List<PushEvent> retained(String name) {
        lock.lock();
        try {
            Channel ch = channels.get(name);
            return ch == null ? List.of() : ch.retained();
        } finally {
            lock.unlock();
        }
    }

    Optional<PushEvent> retained(String name, String key) {
        lock.lock();
        try {
            Channel ch = channels.get(name);
            return ch == null ? Optional.empty() : Optional.ofNullable(ch.retained(key));
        } finally {
            lock.unlock();
        }
    }

    int subscriberCount(String name) {
        lock.lock();
        try {
            Channel ch = channels.get(name);
            return ch == null ? 0 : ch.subscriberCount();
        } finally {
            lock.unlock();
        }
    }

    private static void retain(Channel ch, Emit emit, PushEvent event) {
        if (emit.key() == null) {
            return;
        }
        if (emit.keep()) {
            ch.retain(emit.key(), event);
        } else {
            ch.forget(emit.key());
        }
    }
}
