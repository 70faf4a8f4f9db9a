package io.sonde.stream.config;

import io.sonde.platform.config.DurationText;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tumbling window size and the label that names it on the wire ({@code Aggregate.window}, the
 * record key) and in store and topic names.
 *
 * @param label e.g. {@code "10s"}, {@code "1m"}
 * @param size window length, at least one millisecond
 */
public record WindowSpec(String label, Duration size) {
    // Labels become part of store and changelog-topic names.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]+");

    public WindowSpec {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(size, "size");
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("window label must be [A-Za-z0-9]+: " + label);
        }
        if (size.toMillis() < 1) {
            throw new IllegalArgumentException("window size must be at least 1ms: " + size);
        }
    }

    /** A window of the given size labelled with its short form, e.g. {@code 1m}. */
    public static WindowSpec of(Duration size) {
        return new WindowSpec(DurationText.format(size), size);
    }

    /** A window from text such as {@code 10s} or {@code PT1M}. */
    public static WindowSpec parse(String text) {
        return of(DurationText.parse(text));
    }
}
