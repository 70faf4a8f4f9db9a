package io.sonde.stream.state;

import java.util.Arrays;

/**
 * Which seqs of one device were already seen, as the anti-replay windows of IPsec and DTLS keep it:
 * the highest seq, and a bitmap of the {@code size} seqs at and below it. A reading is new exactly
 * once: an out-of-order or resent reading inside the window is accepted the first time and refused
 * after; a seq older than the window is refused (it cannot be told apart from a replay), and
 * counted as a duplicate.
 *
 * <p>Seqs are proto {@code uint64}: compared unsigned. Memory: {@code size / 8} bytes. Not
 * thread-safe: owned by the device's task.
 */
public final class ReplayWindow {
    /** What {@link #accept} decided. */
    public enum Verdict {
        /** Never seen: process it. */
        NEW,
        /** Seen before. */
        DUPLICATE,
        /** Older than the window: cannot be known, taken as a duplicate. */
        TOO_OLD
    }

    // A ring: seq s is bit (-s mod size), so moving up by one seq clears one bit instead of
    // shifting the whole bitmap (RFC 6479's idea; the shift was 5% of the stream thread).
    private final long[] bits;
    private long highest;
    // The ring position of `highest`: seq highest - i is at (at + i) mod size.
    private int at;
    private boolean empty;

    /** An empty window of {@code size} seqs, a multiple of 64. */
    public ReplayWindow(int size) {
        if (size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("replay window must be a multiple of 64: " + size);
        }
        this.bits = new long[size / 64];
        this.empty = true;
    }

    /** A window restored from {@link #highest()} and {@link #words()}. */
    public static ReplayWindow restore(int size, boolean empty, long highest, long[] words) {
        ReplayWindow w = new ReplayWindow(size);
        w.empty = empty;
        w.highest = highest;
        w.at = positionOf(highest, size);
        // Logical bit i sits at ring position (at + i) mod size.
        long[] ring = rotated(Arrays.copyOf(words, w.bits.length), (size - w.at) % size);
        System.arraycopy(ring, 0, w.bits, 0, ring.length);
        return w;
    }

    /** Records {@code seq} and says whether it was new. */
    public Verdict accept(long seq) {
        if (empty) {
            empty = false;
            highest = seq;
            at = positionOf(seq, size());
            Arrays.fill(bits, 0);
            set(at);
            return Verdict.NEW;
        }
        int order = Long.compareUnsigned(seq, highest);
        if (order > 0) {
            advance(seq);
            highest = seq;
            set(at);
            return Verdict.NEW;
        }
        long behind = highest - seq;
        if (Long.compareUnsigned(behind, size()) >= 0) {
            return Verdict.TOO_OLD;
        }
        int position = (at + (int) behind) % size();
        if (isSet(position)) {
            return Verdict.DUPLICATE;
        }
        set(position);
        return Verdict.NEW;
    }

    public int size() {
        return bits.length * 64;
    }

    public boolean isEmpty() {
        return empty;
    }

    /** The highest seq seen (meaningless while empty). */
    public long highest() {
        return highest;
    }

    /** The bitmap, bit {@code i} meaning seq {@code highest - i} was seen; a copy. */
    public long[] words() {
        return rotated(bits, at);
    }

    // The ring position of seq s: -s mod size.
    private static int positionOf(long seq, int size) {
        return (size - (int) Long.remainderUnsigned(seq, size)) % size;
    }

    // Moves the window up to `seq`, above the highest: the positions of the seqs it moves over
    // are cleared.
    private void advance(long seq) {
        int size = size();
        long distance = seq - highest;
        if (Long.compareUnsigned(distance, size) >= 0) {
            Arrays.fill(bits, 0);
            at = positionOf(seq, size);
            return;
        }
        for (int k = 1; k <= (int) distance; k++) {
            clear(Math.floorMod(at - k, size));
        }
        at = Math.floorMod(at - (int) distance, size);
    }

    // Bit i of the result is bit (i + start) mod size of `source`; size is a multiple of 64, so
    // each result word is two neighbouring source words.
    private static long[] rotated(long[] source, int start) {
        int n = source.length;
        long[] out = new long[n];
        int word = start / 64;
        int shift = start % 64;
        for (int j = 0; j < n; j++) {
            long low = source[(word + j) % n] >>> shift;
            long high = shift == 0 ? 0 : source[(word + j + 1) % n] << (64 - shift);
            out[j] = low | high;
        }
        return out;
    }

    private boolean isSet(int position) {
        return (bits[position / 64] & (1L << (position % 64))) != 0;
    }

    private void set(int position) {
        bits[position / 64] |= 1L << (position % 64);
    }

    private void clear(int position) {
        bits[position / 64] &= ~(1L << (position % 64));
    }
}
