package io.sonde.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a simulation did, as a user of {@code sonde simulate} reads it.
 *
 * @param devices virtual devices
 * @param connected devices connected when the report was taken
 * @param elapsed time readings were generated for (start to stop, or to now while running)
 * @param readingsSent readings sent at least once
 * @param readingsAcked readings the gateway acknowledged as durable
 * @param readingsDropped readings never sent because their device had too many unacked batches
 * @param readingsRejected readings in batches rejected for good (e.g. INVALID_ARGUMENT)
 * @param rejectedBatches Error downlinks by code name, retried ones included
 * @param batchesResent batches sent again after a retryable error or a reconnect
 * @param reconnects connections re-established after one was lost
 * @param bytesSent frame payload bytes sent, resends included
 * @param throughput acked readings per second of {@code elapsed}
 * @param ackLatency from when a batch fell due to its ack, in milliseconds
 */
public record SimulationReport(
        int devices,
        int connected,
        Duration elapsed,
        long readingsSent,
        long readingsAcked,
        long readingsDropped,
        long readingsRejected,
        Map<String, Long> rejectedBatches,
        long batchesResent,
        long reconnects,
        long bytesSent,
        double throughput,
        Latency ackLatency) {

    public SimulationReport {
        rejectedBatches = Map.copyOf(rejectedBatches);
    }

    /**
     * Ack latency percentiles in milliseconds, over acked batches.
     *
     * @param batches acked batches measured
     */
    public record Latency(
            long batches, double p50, double p90, double p99, double p999, double max) {}

    /** A multi-line summary for a terminal. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                """
                Simulated %d devices for %.1f s (%d connected at the end)
                  readings sent       %,d
                  readings acked      %,d  (%,.1f readings/s)
                  not sent            %,d  (device queue full)
                  rejected for good   %,d readings
                  error downlinks     %s
                  batches resent      %,d
                  reconnects          %,d
                  bytes sent          %,d
                  ack latency (ms)    %s
                """,
                devices,
                elapsed.toMillis() / 1000.0,
                connected,
                readingsSent,
                readingsAcked,
                throughput,
                readingsDropped,
                readingsRejected,
                rejections(),
                batchesResent,
                reconnects,
                bytesSent,
                latency());
    }

    /** One line for periodic progress output; the latency is over the whole run. */
    public String progressLine() {
        return String.format(
                Locale.ROOT,
                "[%6.1f s] %d/%d connected, sent %,d, acked %,d (%,.1f/s), dropped %,d,"
                        + " errors %s, reconnects %,d, ack p99 %.1f ms",
                elapsed.toMillis() / 1000.0,
                connected,
                devices,
                readingsSent,
                readingsAcked,
                throughput,
                readingsDropped,
                rejections(),
                reconnects,
                ackLatency.p99());
    }

    private String rejections() {
        if (rejectedBatches.isEmpty()) {
            return "none";
        }
        return rejectedBatches.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private String latency() {
        if (ackLatency.batches() == 0) {
            return "no batch acked";
        }
        return String.format(
                Locale.ROOT,
                "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%,d batches)",
                ackLatency.p50(),
                ackLatency.p90(),
                ackLatency.p99(),
                ackLatency.p999(),
                ackLatency.max(),
                ackLatency.batches());
    }
}
