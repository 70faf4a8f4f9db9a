package io.sonde.platform.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in {@code application.yaml}: {@code 500ms}, {@code 10s}, {@code
 * 1m}, {@code 2h}, {@code 1d}, or ISO-8601 ({@code PT10S}). The short form is also how windows are
 * labelled on the wire ({@code "10s"}, {@code "1m"}), so parse and format are inverses.
 */
public final class DurationText {
    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private DurationText() {}

    /**
     * @throws IllegalArgumentException naming the text when it is neither form
     */
    public static Duration parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "not a duration: '" + text + "' (use e.g. 500ms, 10s, 1m, 2h or PT10S)", e);
        }
    }

    /** The shortest exact short form: 10s, 1m, 90s, 1500ms. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % Duration.ofDays(1).toMillis() == 0) {
            return duration.toDays() + "d";
        }
        if (millis % Duration.ofHours(1).toMillis() == 0) {
            return duration.toHours() + "h";
        }
        if (millis % Duration.ofMinutes(1).toMillis() == 0) {
            return duration.toMinutes() + "m";
        }
        if (millis % Duration.ofSeconds(1).toMillis() == 0) {
            return duration.toSeconds() + "s";
        }
        return millis + "ms";
    }

    /**
     * The duration at {@code node}, or {@code fallback} when the key is absent.
     *
     * @throws ConfigException naming the key when the value is not a duration
     */
    public static Duration get(Config node, Duration fallback) {
        if (!node.exists()) {
            return fallback;
        }
        try {
            return parse(node.asString().get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(node.key() + ": " + e.getMessage(), e);
        }
    }
}
