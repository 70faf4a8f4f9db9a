package io.sonde.ingest.protocol;

import io.sonde.proto.v1.ErrorCode;

/**
 * Why a batch was not accepted: sent to the device as {@code Error}, or as an HTTP error.
 *
 * @param code the error code (docs/errors.md)
 * @param message what was wrong, for a person
 * @param retryAfterMs with RESOURCE_EXHAUSTED and UNAVAILABLE: when to try again; else 0
 */
public record Rejection(ErrorCode code, String message, long retryAfterMs) {
    /** Whether the device should send the same batch again later. */
    public boolean retryable() {
        return code == ErrorCode.RESOURCE_EXHAUSTED || code == ErrorCode.UNAVAILABLE;
    }

    public static Rejection invalid(String message) {
        return new Rejection(ErrorCode.INVALID_ARGUMENT, message, 0);
    }

    public static Rejection exhausted(String message, long retryAfterMs) {
        return new Rejection(ErrorCode.RESOURCE_EXHAUSTED, message, Math.max(1, retryAfterMs));
    }

    public static Rejection unavailable(String message, long retryAfterMs) {
        return new Rejection(ErrorCode.UNAVAILABLE, message, Math.max(1, retryAfterMs));
    }
}
