package io.sonde.ingest.kafka;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Why a write to Kafka failed, in the terms a device's answer needs: whether resending can help.
 * {@link TelemetryWriter}'s futures fail with this, so that nothing above the kafka package has to
 * know Kafka's exception classes.
 */
public final class WriteFailure extends RuntimeException {
    /** What a resend of the same readings could achieve. */
    public enum Kind {
        /** A record is larger than the topic takes ({@code max.message.bytes}): never. */
        TOO_LARGE,
        /** The cluster is unreachable or busy for now: later, yes. */
        RETRIABLE,
        /** Anything else: perhaps; the cause is logged. */
        OTHER
    }

    private final Kind kind;

    private WriteFailure(Kind kind, Throwable cause) {
        super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause, false, false);
        this.kind = kind;
    }

    /** Classifies {@code error} (unwrapping a {@link CompletionException}). */
    public static WriteFailure of(Throwable error) {
        if (error instanceof WriteFailure known) {
            return known;
        }
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (cause instanceof WriteFailure known) {
            return known;
        }
        if (cause instanceof RecordTooLargeException) {
            return new WriteFailure(Kind.TOO_LARGE, cause);
        }
        if (cause instanceof RetriableException
                || cause instanceof TimeoutException
                || cause instanceof java.util.concurrent.TimeoutException) {
            return new WriteFailure(Kind.RETRIABLE, cause);
        }
        return new WriteFailure(Kind.OTHER, cause);
    }

    public Kind kind() {
        return kind;
    }
}
