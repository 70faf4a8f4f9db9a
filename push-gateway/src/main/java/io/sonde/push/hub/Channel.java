package io.sonde.push.hub;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One channel of the {@link Hub}: its subscribers and its retained events. Every method takes the
 * channel's lock, which is what makes "snapshot, then live" exact: a subscriber added together with
 * a copy of the retained events sees every later publish and none of the earlier ones.
 */
final class Channel {
    // A ReentrantLock, not synchronized: publishers and subscribers may run on virtual threads,
    // which a monitor pins to their carrier on Java 21.
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Subscriber> subscribers = new ArrayList<>();
    // Sorted, so that a snapshot lists devices in a stable order.
    private final Map<String, PushEvent> retained = new TreeMap<>();
    private boolean removed;

    /**
     * Retains {@code event} under {@code key} (when not null) and offers it to every subscriber.
     *
     * @return false when the channel was already removed from the hub: the caller retries
     */
    boolean publish(PushEvent event, String key) {
        lock.lock();
        try {
            if (removed) {
                return false;
            }
            if (key != null) {
                retained.put(key, event);
            }
            Iterator<Subscriber> it = subscribers.iterator();
            while (it.hasNext()) {
                if (!it.next().offer(event)) {
                    it.remove();
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a subscriber.
     *
     * @return the retained events at the moment of subscribing, or empty when the channel was
     *     already removed from the hub (the caller retries)
     */
    Optional<List<PushEvent>> add(Subscriber subscriber) {
        lock.lock();
        try {
            if (removed) {
                return Optional.empty();
            }
            if (!subscribers.contains(subscriber)) {
                subscribers.add(subscriber);
            }
            return Optional.of(List.copyOf(retained.values()));
        } finally {
            lock.unlock();
        }
    }

    /** Removes a subscriber; returns whether the channel is now unused and was marked removed. */
    boolean remove(Subscriber subscriber) {
        lock.lock();
        try {
            subscribers.remove(subscriber);
            return markRemovedIfUnused();
        } finally {
            lock.unlock();
        }
    }

    /** Drops one retained event; returns whether the channel is now unused and marked removed. */
    boolean forget(String key) {
        lock.lock();
        try {
            retained.remove(key);
            return markRemovedIfUnused();
        } finally {
            lock.unlock();
        }
    }

    List<PushEvent> retained() {
        lock.lock();
        try {
            return List.copyOf(retained.values());
        } finally {
            lock.unlock();
        }
    }

    Optional<PushEvent> retained(String key) {
        lock.lock();
        try {
            return Optional.ofNullable(retained.get(key));
        } finally {
            lock.unlock();
        }
    }

    int subscriberCount() {
        lock.lock();
        try {
            return subscribers.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean markRemovedIfUnused() {
        if (!removed && subscribers.isEmpty() && retained.isEmpty()) {
            removed = true;
        }
        return removed;
    }
}
