package io.sonde.stream;

/** The stream processor could not start or run, with the reason for a person. */
public final class StreamProcessorException extends RuntimeException {
    public StreamProcessorException(String message) {
        super(message);
    }

    public StreamProcessorException(String message, Throwable cause) {
        super(message, cause);
    }
}
