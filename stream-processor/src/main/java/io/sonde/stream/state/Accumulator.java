package io.sonde.stream.state;

/**
 * Count, min, max, sum and last of one metric in one window, with the revision that counts its
 * updates and whether it changed since its last emission. Not thread-safe.
 */
public final class Accumulator {
    long count;
    double min;
    double max;
    double sum;
    double last;
    long lastTime;
    long revision;
    boolean dirty;

    /** Folds in a value at event time {@code eventMs}; the newest event time gives "last". */
    void add(double value, long eventMs) {
        if (count == 0) {
            min = value;
            max = value;
            last = value;
            lastTime = eventMs;
        } else {
            min = Math.min(min, value);
            max = Math.max(max, value);
            // Ties go to the later arrival: same event time, newer reading.
            if (eventMs >= lastTime) {
                last = value;
                lastTime = eventMs;
            }
        }
        count++;
        sum += value;
        revision++;
        dirty = true;
    }

    public long count() {
        return count;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public double sum() {
        return sum;
    }

    public double last() {
        return last;
    }

    public long lastTime() {
        return lastTime;
    }

    public long revision() {
        return revision;
    }

    public boolean dirty() {
        return dirty;
    }

    public void clean() {
        dirty = false;
    }
}
