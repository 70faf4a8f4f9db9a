package io.sonde.ingest.transport;

import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.protocol.BatchIntake;
import io.sonde.platform.security.TokenVerifier;

/**
 * What the WebSocket and HTTP ingest paths share within one gateway.
 *
 * @param config limits and housekeeping
 * @param verifier device token verification
 * @param intake validation, rate limits and the producer
 * @param connections the live WebSocket connections
 */
public record IngestContext(
        IngestConfig config,
        TokenVerifier verifier,
        BatchIntake intake,
        ConnectionRegistry connections) {}
