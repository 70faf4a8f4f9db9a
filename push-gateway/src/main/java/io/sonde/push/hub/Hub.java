package io.sonde.push.hub;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Fans events out from publishers (one Kafka consumer per topic) to the subscribers of each
 * channel, and keeps the retained events that make up a new subscriber's snapshot. Knows neither
 * Kafka nor HTTP: channels are plain names, events are opaque.
 *
 * <p>Threading: every method may be called from any thread. Publishing to one channel and
 * subscribing to it are serialized by that channel's lock; different channels proceed in parallel.
 * The lock is held while {@link Subscriber#offer} runs, which is why offer must never block.
 *
 * <p>Ordering: a subscriber receives the events of one channel in the order they were published,
 * and, when it asked for a snapshot, exactly the events published after that snapshot (no gap, no
 * duplicate). Events of different channels carry no order relative to each other.
 *
 * <p>Delivery: at most once, to subscribers present when the event is published. A subscriber that
 * refuses an event is dropped from the channel. Retained events live in memory only; they are
 * rebuilt from Kafka after a restart.
 */
public final class Hub {
    private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();

    /** Offers {@code event} to the current subscribers of its channel; nothing is retained. */
    public void publish(PushEvent event) {
        Channel channel = channels.get(event.channel());
        if (channel != null && !channel.publish(event, null)) {
            // Removed concurrently: it had no subscribers, so nobody misses the event.
            channels.remove(event.channel(), channel);
        }
    }

    /**
     * Offers {@code event} to the current subscribers of its channel and keeps it as the channel's
     * latest event under {@code key}, replacing the previous one, for later snapshots.
     */
    public void publishRetained(PushEvent event, String key) {
        while (true) {
            Channel ch = channel(event.channel());
            if (ch.publish(event, key)) {
                return;
            }
            channels.remove(event.channel(), ch);
        }
    }

    /** Drops the retained event under {@code key}, e.g. when a device is deleted. */
    public void forget(String channel, String key) {
        Channel ch = channels.get(channel);
        if (ch != null && ch.forget(key)) {
            channels.remove(channel, ch);
        }
    }

    /** Subscribes to live events only. */
    public void subscribe(String channel, Subscriber subscriber) {
        subscribeWithSnapshot(channel, subscriber);
    }

    /**
     * Subscribes and returns the channel's retained events at that instant: the snapshot to show
     * before the live events that the subscriber will be offered from now on.
     */
    public List<PushEvent> subscribeWithSnapshot(String channel, Subscriber subscriber) {
        while (true) {
            Channel ch = channel(channel);
            Optional<List<PushEvent>> snapshot = ch.add(subscriber);
            if (snapshot.isPresent()) {
                return snapshot.get();
            }
            channels.remove(channel, ch);
        }
    }

    /**
     * Stops offering events of {@code channel} to {@code subscriber}; harmless if not subscribed.
     */
    public void unsubscribe(String channel, Subscriber subscriber) {
        Channel ch = channels.get(channel);
        if (ch != null && ch.remove(subscriber)) {
            channels.remove(channel, ch);
        }
    }

    /** The retained events of {@code channel}, ordered by key. */
    public List<PushEvent> retained(String channel) {
        Channel ch = channels.get(channel);
        return ch == null ? List.of() : ch.retained();
    }

    /** The retained event of {@code channel} under {@code key}. */
    public Optional<PushEvent> retained(String channel, String key) {
        Channel ch = channels.get(channel);
        return ch == null ? Optional.empty() : ch.retained(key);
    }

    /** How many subscribers {@code channel} has now. */
    public int subscriberCount(String channel) {
        Channel ch = channels.get(channel);
        return ch == null ? 0 : ch.subscriberCount();
    }

    private Channel channel(String name) {
        return channels.computeIfAbsent(name, n -> new Channel());
    }
}
