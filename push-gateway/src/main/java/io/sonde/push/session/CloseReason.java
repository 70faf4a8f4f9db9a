package io.sonde.push.session;

/**
 * Why a session ended, as the client is told (SSE {@code error} event, WebSocket close reason) and
 * as the {@code sonde.push.disconnects} metric counts it.
 *
 * @param code short machine-readable reason: {@value #SLOW}, {@value #CLIENT_GONE}, {@value
 *     #SHUTDOWN}, {@value #UNAVAILABLE}, {@value #TOKEN_EXPIRED}
 * @param message for a person
 */
public record CloseReason(String code, String message) {
    /** The session's queue overflowed: the client reads slower than events arrive. */
    public static final String SLOW = "slow";

    /** The client went away, cleanly or not. */
    public static final String CLIENT_GONE = "client_gone";

    /** The gateway is stopping. */
    public static final String SHUTDOWN = "shutdown";

    /** History could not be read from Kafka; resuming later may work. */
    public static final String UNAVAILABLE = "unavailable";

    /** The viewer token expired and was not refreshed (WebSocket). */
    public static final String TOKEN_EXPIRED = "token_expired";

    public static CloseReason slow(int queueCapacity) {
        return new CloseReason(
                SLOW,
                "subscriber too slow: more than "
                        + queueCapacity
                        + " events waiting; resume from the last event id");
    }

    public static CloseReason clientGone() {
        return new CloseReason(CLIENT_GONE, "the client disconnected");
    }

    public static CloseReason shutdown() {
        return new CloseReason(SHUTDOWN, "the gateway is shutting down");
    }

    public static CloseReason unavailable(String why) {
        return new CloseReason(
                UNAVAILABLE, why + "; resume from the last event id in a few seconds");
    }

    public static CloseReason tokenExpired() {
        return new CloseReason(TOKEN_EXPIRED, "the token expired; reconnect with a fresh one");
    }
}
