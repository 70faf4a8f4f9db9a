package io.sonde.ingest.protocol;

import java.util.Arrays;

/**
 * The seqs of refused readings a device still owes a resend of ({@link AckLedger}): a sorted set of
 * {@code long}s in one array, 8 bytes a seq, since a connection can owe tens of thousands after a
 * Kafka outage. Batches come as runs of increasing seqs, so adding or removing one is a single
 * merge pass. Not thread-safe.
 */
public final class OwedSeqs {
    // Shared by every empty set: most connections never owe anything.
    private static final long[] NONE = new long[0];

    private long[] seqs = NONE;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The lowest seq owed; only when not empty. */
    long first() {
        if (size == 0) {
            throw new IllegalStateException("nothing is owed");
        }
        return seqs[0];
    }

    boolean contains(long seq) {
        return Arrays.binarySearch(seqs, 0, size, seq) >= 0;
    }

    /** Adds the seqs of {@code batch} above {@code floor} that {@code except} does not hold. */
    void addAbove(long[] batch, long floor, OwedSeqs except) {
        long[] sorted =
                Arrays.stream(batch)
                        .filter(s -> s > floor && !except.contains(s))
                        .sorted()
                        .distinct()
                        .toArray();
        if (sorted.length == 0) {
            return;
        }
        long[] merged = new long[size + sorted.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < size || j < sorted.length) {
            long next;
            if (j == sorted.length || (i < size && seqs[i] <= sorted[j])) {
                next = seqs[i++];
                if (j < sorted.length && sorted[j] == next) {
                    j++;
                }
            } else {
                next = sorted[j++];
            }
            merged[n++] = next;
        }
        seqs = merged;
        size = n;
    }

    /** Removes the seqs of {@code batch}: they are durable now, or refused for good. */
    void removeAll(long[] batch) {
        if (size == 0) {
            return;
        }
        long[] gone = Arrays.stream(batch).sorted().toArray();
        int j = 0;
        int n = 0;
        for (int i = 0; i < size; i++) {
            while (j < gone.length && gone[j] < seqs[i]) {
                j++;
            }
            if (j == gone.length || gone[j] != seqs[i]) {
                seqs[n++] = seqs[i];
            }
        }
        size = n;
        shrink();
    }

    private void dropFirst(int n) {
        if (n > 0) {
            System.arraycopy(seqs, n, seqs, 0, size - n);
            size -= n;
            shrink();
        }
    }

    // A burst of refusals leaves no large array behind.
    private void shrink() {
        if (size == 0) {
            seqs = NONE;
        } else if (size < seqs.length / 4) {
            seqs = Arrays.copyOf(seqs, size);
        }
    }

    /** Removes every seq at or below {@code floor}. */
    void removeUpTo(long floor) {
        int keep = 0;
        while (keep < size && seqs[keep] <= floor) {
            keep++;
        }
        dropFirst(keep);
    }

    /** Removes the lowest seqs until at most {@code max} are left. */
    void keepHighest(int max) {
        dropFirst(Math.max(0, size - max));
    }

    void clear() {
        seqs = NONE;
        size = 0;
    }
}
