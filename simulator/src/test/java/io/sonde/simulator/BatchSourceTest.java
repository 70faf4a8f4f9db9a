package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchSourceTest {
    private static final long START = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static BatchSource source(double rate, double traceRatio) {
        return new BatchSource(
                new ReadingSchedule(rate, START, 5_000),
                new DeviceSignals("sim-1", Duration.ofMinutes(10)),
                traceRatio,
                new SplittableRandom(1));
    }

    @Test
    void eachBatchHoldsTheReadingsDueSinceTheLastOne() {
        BatchSource source = source(10, 0);

        List<TelemetryBatch> first = source.due(START + SECOND - 1);
        List<TelemetryBatch> second = source.due(START + 2 * SECOND - 1);

        assertThat(first).hasSize(1);
        assertThat(first.getFirst().getReadingsCount()).isEqualTo(10);
        assertThat(second.getFirst().getReadingsCount()).isEqualTo(10);
        assertThat(second.getFirst().getReadings(0).getSeq()).isEqualTo(5_010);
    }

    @Test
    void noEmptyBatchWhenNothingIsDue() {
        BatchSource source = source(0.5, 0);

        assertThat(source.due(START)).hasSize(1);
        assertThat(source.due(START + SECOND)).isEmpty();
        assertThat(source.due(START + 2 * SECOND)).hasSize(1);
    }

    @Test
    void seqStrictlyIncreasesAndTimesFollowTheSchedule() {
        BatchSource source = source(50, 0);
        List<Reading> readings = new ArrayList<>();
        for (int s = 1; s <= 5; s++) {
            source.due(START + s * SECOND).forEach(b -> readings.addAll(b.getReadingsList()));
        }

        assertThat(readings).hasSize(251);
        for (int i = 1; i < readings.size(); i++) {
            assertThat(readings.get(i).getSeq()).isEqualTo(readings.get(i - 1).getSeq() + 1);
            assertThat(readings.get(i).getTimeUnixNano())
                    .isGreaterThan(readings.get(i - 1).getTimeUnixNano());
        }
        assertThat(readings.getLast().getTimeUnixNano()).isEqualTo(START + 5 * SECOND);
    }

    @Test
    void splitsAtTheGatewayLimitOfReadingsPerBatch() {
        BatchSource source = source(2_500, 0);

        List<TelemetryBatch> batches = source.due(START + SECOND - 1);

        assertThat(batches)
                .extracting(TelemetryBatch::getReadingsCount)
                .containsExactly(1_000, 1_000, 500);
        assertThat(batches.get(1).getReadings(0).getSeq())
                .isEqualTo(batches.get(0).getReadings(999).getSeq() + 1);
    }

    @Test
    void readingsCarryMetricsAttributesAndTraceparent() {
        Reading reading = source(1, 1.0).due(START).getFirst().getReadings(0);

        assertThat(reading.getMetricsMap())
                .containsOnlyKeys("temperature", "humidity", "pressure", "battery", "rssi");
        assertThat(reading.getAttributesMap()).containsKeys("firmware", "model");
        assertThat(reading.getTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    }

    @Test
    void traceRatioZeroLeavesTraceparentEmpty() {
        assertThat(source(1, 0).due(START).getFirst().getReadings(0).getTraceparent()).isEmpty();
    }

    @Test
    void traceparentsAreRandomPerReading() {
        SplittableRandom random = new SplittableRandom();
        assertThat(BatchSource.traceparent(random)).isNotEqualTo(BatchSource.traceparent(random));
    }
}
