package io.sonde.cli;

import java.nio.file.Path;

/**
 * How {@link DemoStack} runs: where data lives, preferred ports (taken ports fall back to free
 * ones, 0 always picks a free one), partitions of new topics, and the simulated fleet.
 *
 * @param dataDir broker data, keys and Streams state
 * @param kafkaPort preferred broker port
 * @param ingestPort preferred ingest gateway port
 * @param streamPort preferred stream processor port
 * @param pushPort preferred push gateway port
 * @param partitions partitions of topics created for the demo
 * @param devices simulated devices; 0 runs no simulator
 * @param rate readings per second per simulated device
 */
public record DemoOptions(
        Path dataDir,
        int kafkaPort,
        int ingestPort,
        int streamPort,
        int pushPort,
        int partitions,
        int devices,
        double rate) {}
