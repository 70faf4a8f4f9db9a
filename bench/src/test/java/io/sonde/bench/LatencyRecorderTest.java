package io.sonde.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyRecorderTest {

    @Test
    void closedLoopStallIsBackFilled() {
        LatencyRecorder corrected = new LatencyRecorder();
        LatencyRecorder naive = new LatencyRecorder();
        for (int i = 0; i < 99; i++) {
            corrected.record(1_000, 10_000);
            naive.recordMicros(1_000);
        }
        // One 1 s stall of a loop meant to send every 10 ms hid 99 sends that would have waited.
        corrected.record(1_000_000, 10_000);
        naive.recordMicros(1_000_000);

        assertThat(naive.count()).isEqualTo(100);
        assertThat(naive.percentiles().p90()).isBetween(999L, 1_001L);
        assertThat(corrected.count()).isEqualTo(199);
        assertThat(corrected.percentiles().p90()).isGreaterThan(500_000);
        assertThat(corrected.percentiles().max()).isBetween(999_000L, 1_001_000L);
    }

    @Test
    void measuresFromIntendedSendTimeInMicros() {
        LatencyRecorder r = new LatencyRecorder();

        r.recordSince(1_000_000L, 3_500_000L);
        r.recordSince(5_000_000L, 4_000_000L);

        Percentiles p = r.percentiles();
        assertThat(p.count()).isEqualTo(2);
        assertThat(p.max()).isBetween(2_499L, 2_501L);
        assertThat(p.p50()).isZero();
    }

    @Test
    void resetForgetsWarmUp() {
        LatencyRecorder r = new LatencyRecorder();
        r.recordMicros(7);

        r.reset();

        assertThat(r.count()).isZero();
    }

    @Test
    void writesHgrmInMicros(@TempDir Path dir) throws Exception {
        LatencyRecorder r = new LatencyRecorder();
        for (int i = 1; i <= 1000; i++) {
            r.recordMicros(i);
        }

        Path file = r.writeHgrm(dir.resolve("x.hgrm"));

        String text = Files.readString(file);
        assertThat(text).contains("Value     Percentile TotalCount");
        assertThat(text).contains("#[Max     =     1000.000, Total count    =         1000]");
    }
}
