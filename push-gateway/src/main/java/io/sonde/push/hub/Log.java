package io.sonde.push.hub;

import java.util.Optional;

/**
 * The partitioned logs events come from, by role rather than by topic name, so that cursors stay
 * valid whatever topic prefix a deployment uses. The code is what a cursor stores; it never changes
 * once released.
 */
public enum Log {
    TELEMETRY(1, "telemetry"),
    AGGREGATES(2, "aggregates"),
    DEVICE_STATE(3, "device-state"),
    ALERTS(4, "alerts");

    private final int code;
    private final String label;

    Log(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The byte that names this log inside a cursor. */
    int code() {
        return code;
    }

    /** Short name: metric tag, and the log name of version-1 cursors. */
    public String label() {
        return label;
    }

    static Optional<Log> ofCode(int code) {
        for (Log log : values()) {
            if (log.code == code) {
                return Optional.of(log);
            }
        }
        return Optional.empty();
    }

    static Optional<Log> ofLabel(String label) {
        for (Log log : values()) {
            if (log.label.equals(label)) {
                return Optional.of(log);
            }
        }
        return Optional.empty();
    }
}
