package io.sonde.push.session;

import io.sonde.push.hub.PushEvent;
import io.sonde.push.hub.Subscriber;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One client connection's subscription state: the channels it follows and a bounded queue of events
 * between the producers (the hub's live publishers and replays of history) and the one writer that
 * sends them to the client.
 *
 * <p>Threading: {@link #offer} runs on publisher threads and never blocks; {@link #offerReplay}
 * runs on a replay thread and may wait for room; {@link #drain} is called by one writer thread.
 * {@link #close} may be called from anywhere, any number of times; the first reason wins.
 *
 * <p>Waking: the writer is signalled when the queue turns non-empty, not once per event, so a burst
 * costs it one wake-up and it takes the whole burst in one {@link #take}. A streaming writer waits
 * without a timeout ({@link #take}); whatever must happen at a time (a heartbeat, a token's expiry)
 * {@link #wake wakes} it from one shared timer instead, because a timed wait per session costs a
 * timer operation per wake-up, which at thousands of sessions is a large part of fan-out.
 *
 * <p>Memory is bounded: when the queue is full a live offer does not wait and does not drop
 * silently; the session closes itself with reason {@link CloseReason#SLOW}, discards what it held,
 * and the client resumes from the last event it received. Other sessions are not affected.
 */
public final class Session implements Subscriber {
    private final long id;
    private final String transport;
    private final String owner;
    private final int capacity;
    private final Consumer<CloseReason> onClose;
    // Channel -> generation of its current subscription: a replay of an older one must not join.
    private final Map<String, Long> channels = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<PushEvent> queue = new ArrayDeque<>();
    private CloseReason closed;
    private boolean woken;
    private int depth;

    Session(long id, String transport, String owner, int capacity, Consumer<CloseReason> onClose) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1");
        }
        this.id = id;
        this.transport = transport;
        this.owner = owner;
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

    /** Who opened it: the token identity that connection limits count by. */
    String owner() {
        return owner;
    }

    /** The channels subscribed to now (including those still replaying history). */
    public List<String> channels() {
        return List.copyOf(channels.keySet());
    }

    public boolean subscribed(String channel) {
        return channels.containsKey(channel);
    }

    /** Marks {@code channel} subscribed; returns the generation that names this subscription. */
    long track(String channel) {
        long generation = generations.incrementAndGet();
        channels.put(channel, generation);
        return generation;
    }

    /** Whether {@code generation} still names the current subscription of {@code channel}. */
    boolean current(String channel, long generation) {
        Long now = channels.get(channel);
        return now != null && now == generation;
    }

    /** Forgets {@code channel}; returns whether it was subscribed. */
    boolean untrack(String channel) {
        return channels.remove(channel) != null;
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
            add(event);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a replayed event, waiting up to {@code wait} for room: history arrives faster than a
     * client reads, and waiting is what keeps the queue bounded. A client that takes longer than
     * that to make room is closed as slow.
     *
     * @return false when the session is closed (also when it just closed because of the wait)
     */
    public boolean offerReplay(PushEvent event, Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (closed == null && queue.size() >= capacity) {
                if (nanos <= 0) {
                    closeLocked(CloseReason.slow(capacity));
                    return false;
                }
                nanos = notFull.awaitNanos(nanos);
            }
            if (closed != null) {
                return false;
            }
            add(event);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@code max} queued events into {@code into}, waiting at most {@code wait} for the
     * first one.
     *
     * @return how many were moved; 0 when the wait ran out (time for a heartbeat) or the session is
     *     closed (see {@link #closeReason()})
     */
    public int drain(List<PushEvent> into, int max, Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (closed == null && queue.isEmpty() && nanos > 0) {
                nanos = notEmpty.awaitNanos(nanos);
            }
            return closed != null ? 0 : moveLocked(into, max);
        } finally {
            lock.unlock();
        }
    }

    private int moveLocked(List<PushEvent> into, int max) {
        int queued = queue.size();
        int n = 0;
        while (n < max && !queue.isEmpty()) {
            into.add(queue.poll());
            n++;
        }
        if (n > 0) {
            depth = queued;
            notFull.signalAll();
        }
        return n;
    }

    /**
     * Moves up to {@code max} queued events into {@code into}, waiting as long as it takes for the
     * first one, or for {@link #wake} or {@link #close}.
     *
     * @return how many were moved; 0 when woken or closed (see {@link #closeReason()})
     */
    public int take(List<PushEvent> into, int max) throws InterruptedException {
        lock.lock();
        try {
            while (closed == null && queue.isEmpty() && !woken) {
                notEmpty.await();
            }
            woken = false;
            return closed != null ? 0 : moveLocked(into, max);
        } finally {
            lock.unlock();
        }
    }

    /** Makes a waiting (or the next) {@link #take} return, with 0 events if none are queued. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** How many events were queued when the last {@link #take} or {@link #drain} took some. */
    public int depthAtLastTake() {
        lock.lock();
        try {
            return depth;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the session; a waiting {@link #drain} or {@link #offerReplay} returns at once. */
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

    public boolean isClosed() {
        return closeReason().isPresent();
    }

    /** How many more events the queue takes now; 0 once closed. */
    public int room() {
        lock.lock();
        try {
            return closed != null ? 0 : capacity - queue.size();
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

    private void add(PushEvent event) {
        queue.add(event);
        if (queue.size() == 1) {
            notEmpty.signal();
        }
    }

    private void closeLocked(CloseReason reason) {
        if (closed != null) {
            return;
        }
        closed = reason;
        queue.clear();
        notEmpty.signalAll();
        notFull.signalAll();
        onClose.accept(reason);
    }

    @Override
    public String toString() {
        return "Session[" + id + ", " + transport + ", channels=" + channels.keySet() + "]";
    }
}
