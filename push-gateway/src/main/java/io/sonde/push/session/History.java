package io.sonde.push.session;

import io.sonde.push.hub.Log;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where past events come from: replays one log for some channels of a session, from positions or
 * from a time, into the session, and then joins it to the live stream at exactly the position it
 * read up to, so that the session sees every event once, in order.
 *
 * <p>Threading and delivery: {@link #replay} returns at once; the replay runs on the history's own
 * threads and offers events with {@link Session#offerReplay}. It stops early when the session
 * closes or the subscription is replaced ({@link Replay#stillWanted()}). When history cannot be
 * read, it closes the session with {@link CloseReason#UNAVAILABLE}.
 */
public interface History {
    /**
     * Starts a replay.
     *
     * @return false when too many replays are waiting already: nothing was started, and the client
     *     should be told to come back later
     */
    boolean replay(Replay replay);

    /**
     * For each partition, the position of the first record at or after {@code epochMillis}, or the
     * end of the partition when there is none; blocks for at most a few seconds.
     *
     * @throws HistoryException when Kafka does not answer
     */
    Map<Integer, Long> positionsAt(Log log, Set<Integer> partitions, long epochMillis)
            throws HistoryException;

    /**
     * One replay.
     *
     * @param session where the events go
     * @param log the log to read
     * @param channels channels of {@code log} to replay, each tracked in the session with its
     *     generation in {@code generations}
     * @param from positions to read from (partition to next offset) for every partition the
     *     channels read; a position below what the log still holds is expired: the replay first
     *     offers a {@link io.sonde.push.hub.PushEvent#GAP} naming the channels, then reads from the
     *     oldest record held
     * @param generations the session's subscription generation per channel
     */
    record Replay(
            Session session,
            Log log,
            List<String> channels,
            Map<Integer, Long> from,
            Map<String, Long> generations) {
        public Replay {
            channels = List.copyOf(channels);
            from = Map.copyOf(from);
            generations = Map.copyOf(generations);
        }

        /** The session is open and every channel still has the subscription this replay serves. */
        public boolean stillWanted() {
            if (session.isClosed()) {
                return false;
            }
            for (String channel : channels) {
                if (!session.current(channel, generations.get(channel))) {
                    return false;
                }
            }
            return true;
        }
    }
}
