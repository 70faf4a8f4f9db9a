package io.sonde.push.transport;

import java.time.Duration;

/**
 * How SSE streams behave: the part of {@code sonde.push} the transport needs.
 *
 * @param heartbeat longest silence before a comment is sent
 * @param retry reconnect delay hinted to clients
 * @param writeTimeout how long one write may block before the connection is dropped
 * @param maxChannels most channels in one stream
 */
public record SseConfig(
        Duration heartbeat, Duration retry, Duration writeTimeout, int maxChannels) {}
