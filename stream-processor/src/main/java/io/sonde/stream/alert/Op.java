package io.sonde.stream.alert;

import java.util.Arrays;
import java.util.Optional;

/** The comparison of a threshold rule: {@code value op threshold}. */
public enum Op {
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<=");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean test(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
        };
    }

    /** Whether the rule watches for values above (rather than below) its threshold. */
    public boolean upward() {
        return this == GT || this == GE;
    }

    public static Optional<Op> parse(String symbol) {
        return Arrays.stream(values()).filter(o -> o.symbol.equals(symbol)).findFirst();
    }
}
