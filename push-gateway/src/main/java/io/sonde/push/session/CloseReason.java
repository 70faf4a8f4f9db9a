package io.sonde.push.session;

/**
 * Why a session ended, as the client is told (SSE {@code error} event, WebSocket close reason) and
 * as the {@code sonde.push.disconnects} metric counts it.
 *
 * @param code short machine-readable reason: {@value #SLOW}, {@value #CLIENT_GONE}, {@value
 *     #SHUTDOWN}
 * @param message for a person
 */
public record CloseReason(String code, String message) {
    /** The session's queue overflowed: the client reads slower than events arrive. */
    public static final String SLOW = "slow";

    /** The client went away, cleanly or not. */
    public static final String CLIENT_GONE = "client_gone";

    /** The gateway is stopping. */
    public static final String SHUTDOWN = "shutdown";

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
}
