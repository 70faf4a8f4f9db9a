package io.sonde.stream.alert;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alert rules of one processor instance, as the global rules store holds them. The global
 * thread reloads it after every rule record; the stream threads read a consistent snapshot whose
 * version tells them when to look again.
 *
 * <p>Thread-safe: writes are serialized, reads see an immutable snapshot.
 */
public final class RuleBook {
    /**
     * The rules at one moment.
     *
     * @param version grows with every change
     * @param rules by id, in insertion order
     */
    public record Snapshot(long version, Map<String, Rule> rules) {
        public Snapshot {
            rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        }
    }

    private volatile Snapshot current = new Snapshot(0, Map.of());

    public Snapshot current() {
        return current;
    }

    /**
     * Replaces every rule with what {@code source} reads now, under the book's lock, so that two
     * reloads (the global thread after a rule record, a stream thread at start) never undo each
     * other: whichever runs last read the store last.
     */
    public synchronized void reload(Supplier<Collection<Rule>> source) {
        Map<String, Rule> next = new LinkedHashMap<>();
        source.get().forEach(r -> next.put(r.id(), r));
        if (!next.equals(current.rules())) {
            current = new Snapshot(current.version() + 1, next);
        }
    }
}
