package io.sonde.stream.state;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The open windows of one device for one window size, ordered by start. Lateness and closing are
 * judged on the device's own time, never on the partition's: a device whose clock runs ahead closes
 * only its own windows. Bounded: a window closes once the device's time passes its end + grace, so
 * at most about {@code (size + grace) / size + 1} are open at once. Not thread-safe.
 */
public final class WindowTrack {
    private final long sizeMs;
    private final List<OpenWindow> open = new ArrayList<>(2);
    // Windows starting before this have closed and had their final: a reading for one is late,
    // however the device's own time stands (a quiet device's windows close on the task's clock).
    private long closedBefore = Long.MIN_VALUE;

    public WindowTrack(long sizeMs) {
        this.sizeMs = sizeMs;
    }

    public long sizeMs() {
        return sizeMs;
    }

    /** Start of the window holding event time {@code t}. */
    public long startOf(long t) {
        return Math.floorDiv(t, sizeMs) * sizeMs;
    }

    /**
     * Whether a reading at {@code t} comes too late: its window closed at device time {@code high},
     * or was already closed and finalised.
     */
    public boolean isLate(long t, long high, long graceMs) {
        long start = startOf(t);
        return start < closedBefore || start + sizeMs + graceMs <= high;
    }

    /** The window holding {@code t}, opened if needed. */
    public OpenWindow windowFor(long t) {
        long start = startOf(t);
        int i = 0;
        for (; i < open.size(); i++) {
            OpenWindow w = open.get(i);
            if (w.start() == start) {
                return w;
            }
            if (w.start() > start) {
                break;
            }
        }
        OpenWindow w = new OpenWindow(start);
        open.add(i, w);
        return w;
    }

    /** Whether {@link #closeUpTo} would close a window at {@code t}. */
    public boolean closes(long t, long graceMs) {
        return !open.isEmpty() && open.get(0).start() + sizeMs + graceMs <= t;
    }

    /**
     * Removes and returns, oldest first, the windows whose end + grace is at or before {@code t}.
     */
    public List<OpenWindow> closeUpTo(long t, long graceMs) {
        List<OpenWindow> closed = new ArrayList<>(0);
        Iterator<OpenWindow> it = open.iterator();
        while (it.hasNext()) {
            OpenWindow w = it.next();
            if (w.start() + sizeMs + graceMs > t) {
                break;
            }
            closed.add(w);
            closedBefore = Math.max(closedBefore, w.start() + sizeMs);
            it.remove();
        }
        return closed;
    }

    /** The open windows, oldest first. */
    public List<OpenWindow> open() {
        return open;
    }

    /** The start below which every window has closed ({@link Long#MIN_VALUE}: none yet). */
    public long closedBefore() {
        return closedBefore;
    }

    /** Restores the mark of {@link #closedBefore()} (the codec's inverse). */
    void restoreClosedBefore(long mark) {
        closedBefore = mark;
    }

    /** Restores a window (the codec's inverse of {@link #open()}). */
    public OpenWindow restore(long start) {
        return windowFor(start);
    }
}
