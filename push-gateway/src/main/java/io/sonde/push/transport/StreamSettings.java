package io.sonde.push.transport;

import java.time.Duration;

/**
 * How streams behave: the part of {@code sonde.push} the transports need.
 *
 * @param heartbeat longest silence before a heartbeat (SSE comment, WebSocket ping frame)
 * @param retry reconnect delay hinted to SSE clients
 * @param writeTimeout how long one write may block before the connection is dropped
 * @param maxChannels most channels in one SSE stream or poll, and subscriptions on one WebSocket
 * @param pollMaxEvents most events in one poll response
 * @param pollMaxWait longest {@code wait} a poll may ask for
 */
public record StreamSettings(
        Duration heartbeat,
        Duration retry,
        Duration writeTimeout,
        int maxChannels,
        int pollMaxEvents,
        Duration pollMaxWait) {
    /** Most events a writer takes from a session's queue for one socket write. */
    static final int WRITE_BATCH = 256;
}
