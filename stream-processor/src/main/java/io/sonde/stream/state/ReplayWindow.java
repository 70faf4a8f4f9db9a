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

    private final long[] bits;
    private long highest;
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
        System.arraycopy(words, 0, w.bits, 0, Math.min(words.length, w.bits.length));
        return w;
    }

    /** Records {@code seq} and says whether it was new. */
    public Verdict accept(long seq) {
        if (empty) {
            empty = false;
            highest = seq;
            Arrays.fill(bits, 0);
            set(0);
            return Verdict.NEW;
        }
        int order = Long.compareUnsigned(seq, highest);
        if (order > 0) {
            advance(seq - highest);
            highest = seq;
            set(0);
            return Verdict.NEW;
        }
        long behind = highest - seq;
        if (Long.compareUnsigned(behind, size()) >= 0) {
            return Verdict.TOO_OLD;
        }
        int offset = (int) behind;
        if (isSet(offset)) {
            return Verdict.DUPLICATE;
        }
        set(offset);
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
        return bits.clone();
    }

    // Moves the window up by `distance` seqs: bit i becomes bit i + distance.
    private void advance(long distance) {
        if (Long.compareUnsigned(distance, size()) >= 0) {
            Arrays.fill(bits, 0);
            return;
        }
        int shift = (int) distance;
        int wordShift = shift / 64;
        int bitShift = shift % 64;
        for (int i = bits.length - 1; i >= 0; i--) {
            int from = i - wordShift;
            long value = from >= 0 ? bits[from] << bitShift : 0;
            if (bitShift != 0 && from - 1 >= 0) {
                value |= bits[from - 1] >>> (64 - bitShift);
            }
            bits[i] = value;
        }
    }

    private boolean isSet(int offset) {
        return (bits[offset / 64] & (1L << (offset % 64))) != 0;
    }

    private void set(int offset) {
        bits[offset / 64] |= 1L << (offset % 64);
    }
}
