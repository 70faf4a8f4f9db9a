package io.sonde.push.session;

/** The token already holds the most sessions allowed ({@code sonde.push.max-streams-per-token}). */
public final class TooManySessionsException extends Exception {
    private static final long serialVersionUID = 1L;

    public TooManySessionsException(String message) {
        super(message);
    }
}
