package io.sonde.stream.alert;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Alert severities, least to most severe. */
public enum Severity {
    INFO,
    WARNING,
    MINOR,
    MAJOR,
    CRITICAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(text)).findFirst();
    }
}
