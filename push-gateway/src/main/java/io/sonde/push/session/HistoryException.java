package io.sonde.push.session;

/**
 * History cannot serve a request now: too many replays are waiting, or Kafka does not answer. The
 * client should retry after a while (HTTP 503, WebSocket error {@code unavailable}).
 */
public final class HistoryException extends Exception {
    private static final long serialVersionUID = 1L;

    public HistoryException(String message) {
        super(message);
    }

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
