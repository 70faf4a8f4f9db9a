package io.sonde.bench;

/** A benchmark could not run as set up (a child process failed, a service did not start...). */
public final class BenchException extends RuntimeException {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
