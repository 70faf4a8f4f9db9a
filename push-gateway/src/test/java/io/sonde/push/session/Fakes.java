package io.sonde.push.session;

import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Log;
import io.sonde.push.hub.PushEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test doubles for the session package. */
final class Fakes {
    private Fakes() {}

    static PushEvent event(int offset) {
        return new PushEvent(
                "telemetry:d",
                "telemetry",
                Integer.toString(offset),
                Log.TELEMETRY,
                0,
                offset,
                Cursor.of(Log.TELEMETRY, 0, offset + 1));
    }

    /** A history that only records what it is asked. */
    static final class RecordingHistory implements History {
        final List<Replay> replays = new CopyOnWriteArrayList<>();
        volatile boolean full;

        @Override
        public boolean replay(Replay replay) {
            if (full) {
                return false;
            }
            replays.add(replay);
            return true;
        }

        @Override
        public Map<Integer, Long> positionsAt(Log log, Set<Integer> partitions, long epochMillis)
                throws HistoryException {
            if (epochMillis < 0) {
                throw new HistoryException("Kafka does not answer");
            }
            return Map.of(partitions.iterator().next(), epochMillis / 1000);
        }
    }
}
