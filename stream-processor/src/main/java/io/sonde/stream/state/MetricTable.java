package io.sonde.stream.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The metric names one device has used, in first-seen order, each with its last value. At most
 * {@code max} names: a device that invents names without end must not grow its state (and its Kafka
 * records) without bound, so names beyond the cap are refused and counted.
 *
 * <p>The last value follows event time: a reading older than the newest one for that metric does
 * not overwrite it. Not thread-safe.
 */
public final class MetricTable {
    private final int max;
    private final List<String> names = new ArrayList<>();
    // Encoded once: the device's record, names included, is rewritten on every reading.
    private final List<byte[]> utf8Names = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    // Reading.hash of each UTF-8 name: a reading's names are matched without making strings.
    private int[] hashes = new int[8];
    private double[] last = new double[8];
    private long[] lastTime = new long[8];

    public MetricTable(int max) {
        this.max = max;
    }

    /** The index of {@code name}, adding it while there is room; -1 when the cap refuses it. */
    public int indexOf(String name) {
        Integer known = index.get(name);
        if (known != null) {
            return known;
        }
        if (names.size() >= max) {
            return -1;
        }
        int i = names.size();
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        names.add(name);
        utf8Names.add(utf8);
        index.put(name, i);
        if (i >= last.length) {
            last = Arrays.copyOf(last, last.length * 2);
            lastTime = Arrays.copyOf(lastTime, lastTime.length * 2);
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        lastTime[i] = Long.MIN_VALUE;
        hashes[i] = Reading.hash(utf8, 0, utf8.length);
        return i;
    }

    /**
     * The index of the name of {@code reading}'s metric {@code entry}, adding it while there is
     * room; -1 when the cap refuses it. A known name is found by its UTF-8 bytes: no string is
     * made.
     */
    public int indexOf(Reading reading, int entry) {
        return indexOf(reading, entry, -1);
    }

    /**
     * As {@link #indexOf(Reading, int)}, trying index {@code guess} first: a device sends the same
     * names in the same order reading after reading, so its names' indexes mostly match the
     * entries' positions.
     */
    public int indexOf(Reading reading, int entry, int guess) {
        int hash = reading.nameHash(entry);
        if (guess >= 0
                && guess < names.size()
                && hashes[guess] == hash
                && reading.nameEquals(entry, utf8Names.get(guess))) {
            return guess;
        }
        for (int i = 0; i < names.size(); i++) {
            if (hashes[i] == hash && reading.nameEquals(entry, utf8Names.get(i))) {
                return i;
            }
        }
        return names.size() >= max ? -1 : indexOf(reading.name(entry));
    }

    /** The value {@code reading} carries for metric {@code i} of this table, if any. */
    public OptionalDouble valueIn(Reading reading, int i) {
        return reading.value(utf8Names.get(i));
    }

    /** The index of a known name, or -1; never adds. */
    public int find(String name) {
        Integer known = index.get(name);
        return known == null ? -1 : known;
    }

    /** Records a value at event time {@code eventMs}; returns whether the last value changed. */
    public boolean record(int i, double value, long eventMs) {
        if (eventMs < lastTime[i]) {
            return false;
        }
        boolean changed = lastTime[i] == Long.MIN_VALUE || last[i] != value;
        last[i] = value;
        lastTime[i] = eventMs;
        return changed;
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    /** The name of metric {@code i} in UTF-8; callers must not change the array. */
    byte[] utf8Name(int i) {
        return utf8Names.get(i);
    }

    public double last(int i) {
        return last[i];
    }

    public long lastTime(int i) {
        return lastTime[i];
    }

    /** Restores an entry in index order (the codec's inverse of the getters). */
    public void restore(String name, double value, long eventMs) {
        int i = indexOf(name);
        if (i >= 0) {
            last[i] = value;
            lastTime[i] = eventMs;
        }
    }
}
