package io.sonde.push.session;

import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.hub.Subscriber;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One client connection's subscription state: the channels it follows and a bounded queue of live
 * events between the hub (publisher side) and the transport that writes them (writer side).
 *
 * <p>Threading: {@link #offer} runs on publisher threads and never blocks; {@link #next} is called
 * by one writer thread. {@link #close} may be called from anywhere, any number of times; the first
 * reason wins.
 *
 * <p>Memory is bounded: when the queue is full the session does not wait and does not drop
 * silently; it closes itself with reason {@link CloseReason#SLOW}, discards what it held, and the
 * client resumes from the last event it received. Other sessions are not affected.
 */
public final class Session implements Subscriber {
    private final long id;
    private final String transport;
    private final int capacity;
    private final Consumer<CloseReason> onClose;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<PushEvent> queue = new ArrayDeque<>();
    private CloseReason closed;

    Session(long id, String transport, int capacity, Consumer<CloseReason> onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1");
        }
        this.id = id;
        this.transport = transport;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    public long id() {
        return id;
    }

    /** The transport serving it, e.g. {@code sse}; a metric tag. */
    public String transport() {
        return transport;
    }

    /**
     * Subscribes this session to {@code channel}.
     *
     * @param snapshot whether to return the channel's current state
     * @return the snapshot to write before any queued live event, or an empty list
     */
    public List<PushEvent> subscribe(Hub hub, String channel, boolean snapshot) {
        channels.add(channel);
        if (snapshot) {
            return hub.subscribeWithSnapshot(channel, this);
        }
        hub.subscribe(channel, this);
        return List.of();
    }

    public Set<String> channels() {
        return Set.copyOf(channels);
    }

    @Override
    public boolean offer(PushEvent event) {
        lock.lock();
        try {
            if (closed != null) {
                return false;
            }
            if (queue.size() >= capacity) {
                closeLocked(CloseReason.slow(capacity));
                return false;
            }
            queue.add(event);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next live event, waiting at most {@code wait}.
     *
     * @return empty when the wait ran out (time for a heartbeat) or the session is closed (see
     *     {@link #closeReason()})
     */
    public Optional<PushEvent> next(Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (closed == null && queue.isEmpty() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return closed != null ? Optional.empty() : Optional.ofNullable(queue.poll());
        } finally {
            lock.unlock();
        }
    }

    /** Closes the session; a waiting {@link #next} returns at once. */
    public void close(CloseReason reason) {
        lock.lock();
        try {
            closeLocked(reason);
        } finally {
            lock.unlock();
        }
    }

    public Optional<CloseReason> closeReason() {
        lock.lock();
        try {
            return Optional.ofNullable(closed);
        } finally {
            lock.unlock();
        }
    }

    /** Events queued and not yet taken by the writer. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    void unsubscribeAll(Hub hub) {
        for (String channel : channels) {
            hub.unsubscribe(channel, this);
        }
        channels.clear();
    }

    private void closeLocked(CloseReason reason) {
        if (closed != null) {
            return;
        }
        closed = reason;
        queue.clear();
        changed.signalAll();
        onClose.accept(reason);
    }

    @Override
    public String toString() {
        return "Session[" + id + ", " + transport + ", channels=" + channels + "]";
    }
}
