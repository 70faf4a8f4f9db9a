package io.sonde.platform.security;

/**
 * A token was missing, malformed, badly signed, expired, or meant for someone else. The message
 * says which, for a person, and never contains the token itself.
 */
public final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
