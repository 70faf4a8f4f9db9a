package io.sonde.push.hub;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One channel of a {@link LogHub}: its subscriptions and its retained events (the snapshot). Not
 * thread-safe: its log's lock guards it.
 */
final class Channel {
    /**
     * One subscriber of the channel. {@code floors} (partition to offset) holds back live events
     * that a replay already delivered: it read further than the live stream had got when the
     * subscriber joined.
     */
    private record Subscription(Subscriber subscriber, Map<Integer, Long> floors) {
        boolean wants(PushEvent event) {
            Long floor = floors.get(event.partition());
            return floor == null || event.offset() >= floor;
        }
    }

    private final List<Subscription> subscriptions = new ArrayList<>();
    // Sorted, so that a snapshot lists devices and alerts in a stable order.
    private final Map<String, PushEvent> retained = new TreeMap<>();

    void retain(String key, PushEvent event) {
        retained.put(key, event);
    }

    void forget(String key) {
        retained.remove(key);
    }

    /** Offers {@code event} to every subscriber; those refusing it are dropped. */
    void offer(PushEvent event) {
        Iterator<Subscription> it = subscriptions.iterator();
        while (it.hasNext()) {
            Subscription s = it.next();
            if (s.wants(event) && !s.subscriber().offer(event)) {
                it.remove();
            }
        }
    }

    void add(Subscriber subscriber, Map<Integer, Long> floors) {
        remove(subscriber);
        subscriptions.add(new Subscription(subscriber, Map.copyOf(floors)));
    }

    void remove(Subscriber subscriber) {
        subscriptions.removeIf(s -> s.subscriber() == subscriber);
    }

    List<PushEvent> retained() {
        return List.copyOf(retained.values());
    }

    PushEvent retained(String key) {
        return retained.get(key);
    }

    int subscriberCount() {
        return subscriptions.size();
    }

    boolean unused() {
        return subscriptions.isEmpty() && retained.isEmpty();
    }
}
