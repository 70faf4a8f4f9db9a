package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.client.device.Frame;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationReportTest {
    @Test
    void summaryShowsWhatAUserChecks() {
        SimulationReport report =
                new SimulationReport(
                        100,
                        0,
                        Duration.ofSeconds(60),
                        60_000,
                        59_990,
                        10,
                        0,
                        Map.of("RESOURCE_EXHAUSTED", 3L),
                        3,
                        1,
                        12_345_678,
                        999.83,
                        new SimulationReport.Latency(6_000, 1.5, 2.25, 4.75, 9.5, 12.0));

        assertThat(report.summary())
                .contains("Simulated 100 devices for 60.0 s")
                .contains("readings acked      59,990  (999.8 readings/s)")
                .contains("RESOURCE_EXHAUSTED=3")
                .contains("p50 1.50  p90 2.25  p99 4.75  p99.9 9.50  max 12.00  (6,000 batches)");
        assertThat(report.progressLine()).doesNotContain("\n").contains("acked 59,990");
    }

    @Test
    void statsComputeThroughputAndPercentiles() {
        SimulationStats stats = new SimulationStats();
        long now = System.nanoTime();
        for (int ms = 1; ms <= 100; ms++) {
            PendingBatch batch =
                    new PendingBatch(ms, ms, 10, Frame.binary(new byte[20]), now - ms * 1_000_000L);
            stats.queued();
            stats.sent(batch, false);
            stats.acked(batch, now);
        }

        SimulationReport report = stats.report(1, Duration.ofSeconds(10));

        assertThat(report.readingsSent()).isEqualTo(1_000);
        assertThat(report.readingsAcked()).isEqualTo(1_000);
        assertThat(report.throughput()).isEqualTo(100.0);
        assertThat(report.bytesSent()).isEqualTo(2_000);
        assertThat(report.ackLatency().batches()).isEqualTo(100);
        assertThat(report.ackLatency().p50()).isBetween(49.9, 50.1);
        assertThat(report.ackLatency().p99()).isBetween(98.9, 99.1);
        assertThat(report.ackLatency().max()).isBetween(99.9, 100.1);
        assertThat(stats.unackedBatches()).isZero();
    }
}
