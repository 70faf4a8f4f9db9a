package io.sonde.push.session;

import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.PushEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The id a client resumes from, for one group of channels resumed together (all channels of an SSE
 * stream or a poll; one channel of a WebSocket): the positions of every partition they read, moved
 * on by each event the client is sent.
 *
 * <p>An event's own id is used whenever it already names every position of the group, as it does
 * for a single device channel or a fleet channel: then the id is the same string for every
 * subscriber and is written once. Otherwise (channels of several logs) the positions are merged and
 * encoded for this client.
 *
 * <p>Not thread-safe: owned by the session's writer.
 */
public final class SessionCursor {
    private Cursor current;

    /** Starts at {@code start}: where the subscriptions of the group began. */
    public SessionCursor(Cursor start) {
        this.current = start;
    }

    /** Adds positions, e.g. of a channel subscribed later. */
    public void include(Cursor more) {
        current = current.merge(more);
    }

    /** Moves past {@code event} and returns the id to send with it. */
    public String idOf(PushEvent event) {
        Cursor own = event.cursor();
        if (own.covers(current)) {
            current = own;
            return event.id();
        }
        current = current.merge(own);
        return current.encode();
    }

    /** The positions reached so far: what a poll hands back when it has no event to send. */
    public Cursor current() {
        return current;
    }

    /**
     * The snapshot with ids: every event but the last carries a cursor marked as issued inside a
     * snapshot, so that a client cut off in the middle gets a whole new snapshot when it resumes.
     */
    public List<PushEvent> stamp(List<PushEvent> snapshot) {
        List<PushEvent> out = new ArrayList<>(snapshot.size());
        Cursor pending = current.withSnapshotPending();
        for (int i = 0; i < snapshot.size(); i++) {
            PushEvent e = snapshot.get(i);
            Cursor c = i == snapshot.size() - 1 ? current : pending;
            out.add(
                    new PushEvent(
                            e.channel(),
                            e.name(),
                            e.data(),
                            e.log(),
                            e.partition(),
                            e.offset(),
                            c));
        }
        return out;
    }
}
