package io.sonde.push.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Fans events out from publishers (one Kafka consumer per log) to the subscribers of each channel,
 * keeps the retained events that make up a new subscriber's snapshot, and knows how far the live
 * stream has got in every partition, which is what cursors are made of. Knows neither Kafka nor
 * HTTP.
 *
 * <p>Threading: every method may be called from any thread. Publishing and joining on one log are
 * serialized by that log's lock; different logs proceed in parallel. The lock is held while {@link
 * Subscriber#offer} runs, which is why offer must never block.
 *
 * <p>Ordering: a subscriber receives the events of one log in the order they were published, which
 * is offset order within each partition. Events of different logs carry no order relative to each
 * other.
 *
 * <p>Delivery: to subscribers present when the event is published, at most once; a subscriber that
 * refuses an event is dropped from the channel. A join is exact: the subscriber is given every
 * event after its start position and none before it (see {@link #join}). Retained events live in
 * memory only; the publishers rebuild them from Kafka after a restart.
 */
public final class Hub {
    private final KeyPartitioner partitioner;
    private final Map<Log, LogHub> logs = new EnumMap<>(Log.class);

    public Hub(KeyPartitioner partitioner) {
        this.partitioner = partitioner;
        for (Log log : Log.values()) {
            logs.put(log, new LogHub(log));
        }
    }

    /**
     * Sets how many partitions {@code log} has and where its live stream starts in each ({@code
     * positions[partition]}, the next offset it will publish); called by the log's publisher before
     * it publishes.
     */
    public void begin(Log log, long[] positions) {
        logs.get(log).begin(positions);
    }

    /** How many partitions {@code log} has, 0 while its publisher has not said. */
    public int partitions(Log log) {
        return logs.get(log).partitions();
    }

    /**
     * The partitions a channel reads: all of its log for a fleet channel, its device's one for a
     * device channel.
     *
     * @throws IllegalStateException while the log's partition count is not known yet
     */
    public Set<Integer> partitionsOf(String channel) {
        Log log = Channels.log(channel);
        int count = partitions(log);
        if (count == 0) {
            throw new IllegalStateException("the " + log.label() + " log is not read yet");
        }
        Set<Integer> out = new TreeSet<>();
        Optional<String> device = Channels.device(channel);
        if (device.isPresent()) {
            out.add(partitioner.partition(device.get(), count));
        } else {
            for (int p = 0; p < count; p++) {
                out.add(p);
            }
        }
        return out;
    }

    /** The partitions several channels read, together. */
    public Set<Integer> partitionsOf(Collection<String> channels) {
        Set<Integer> out = new TreeSet<>();
        channels.forEach(c -> out.addAll(partitionsOf(c)));
        return out;
    }

    /**
     * Records that the live stream has read {@code offset} of {@code partition} of {@code log}, and
     * publishes what that record means for each channel (possibly nothing: the position still
     * moves).
     */
    public void publish(Log log, int partition, long offset, List<Emit> emits) {
        logs.get(log).publish(partition, offset, emits);
    }

    /**
     * Subscribes {@code subscriber} to {@code channels} (all of {@code log}) exactly at a position.
     *
     * <p>With an empty {@code readUpTo} the subscription starts where the live stream is now. With
     * positions (partition to next offset, for every partition the channels read, as delivered by a
     * replay), it starts there if the live stream has not passed them: events the replay already
     * delivered are held back, so that the subscriber sees each event once. If the live stream has
     * passed them, nothing changes and the answer says how far to read on.
     *
     * @param snapshot whether to return the channels' retained events
     * @param wanted checked under the log's lock just before joining: false abandons the join, so
     *     that a subscription ended meanwhile is never joined
     * @throws IllegalStateException while the log's partition count is not known yet
     */
    public Join join(
            Log log,
            Collection<String> channels,
            Subscriber subscriber,
            Map<Integer, Long> readUpTo,
            boolean snapshot,
            BooleanSupplier wanted) {
        for (String channel : channels) {
            if (Channels.log(channel) != log) {
                throw new IllegalArgumentException(channel + " does not read " + log.label());
            }
        }
        return logs.get(log)
                .join(channels, readUpTo, partitionsOf(channels), subscriber, snapshot, wanted);
    }

    /** How far the live stream has got in those partitions of {@code log}: next offset each. */
    public Map<Integer, Long> live(Log log, Collection<Integer> partitions) {
        return logs.get(log).live(partitions);
    }

    /**
     * Stops offering events of {@code channel} to {@code subscriber}; harmless if not subscribed.
     */
    public void unsubscribe(String channel, Subscriber subscriber) {
        logs.get(Channels.log(channel)).unsubscribe(channel, subscriber);
    }

    /** The retained events of {@code channel}, ordered by key, as published. */
    public List<PushEvent> retained(String channel) {
        return new ArrayList<>(logs.get(Channels.log(channel)).retained(channel));
    }

    /** The retained event of {@code channel} under {@code key}, as published. */
    public Optional<PushEvent> retained(String channel, String key) {
        return logs.get(Channels.log(channel)).retained(channel, key);
    }

    /** How many subscribers {@code channel} has now. */
    public int subscriberCount(String channel) {
        return logs.get(Channels.log(channel)).subscriberCount(channel);
    }
}
