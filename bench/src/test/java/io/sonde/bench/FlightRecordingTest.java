package io.sonde.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlightRecordingTest {
    @Test
    void aCollectionInTheRecordingIsCountedWithItsPause(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gc.jfr");
        try (FlightRecording ignored = FlightRecording.start(file)) {
            System.gc(); // a full, stop-the-world collection: at least one pause to find
        }

        FlightRecording.GcPauses gc = FlightRecording.gcPauses(file);

        assertThat(gc.collections()).isPositive();
        assertThat(gc.paused()).isPositive();
        assertThat(gc.longest()).isPositive().isLessThanOrEqualTo(gc.paused());
        assertThat(gc.recorded()).isGreaterThanOrEqualTo(gc.paused());
        assertThat(gc.share()).isGreaterThan(0).isLessThanOrEqualTo(1);
    }

    @Test
    void theReportLineStatesCountShareLongestAndLongPauses() {
        FlightRecording.GcPauses gc =
                new FlightRecording.GcPauses(
                        382,
                        Duration.ofMillis(14_000),
                        Duration.ofMillis(84),
                        365,
                        Duration.ofSeconds(700));

        assertThat(gc.share()).isEqualTo(0.02);
        assertThat(BenchReport.gcLine(gc))
                .isEqualTo(
                        "GC pauses (jdk.GarbageCollection): 382 collections, 14.0 s paused = 2.0%"
                            + " of the 700 s recorded, longest 84 ms, 365 collections with a pause"
                            + " over 20 ms.");
    }

    @Test
    void anEmptyShareIsZero() {
        FlightRecording.GcPauses none =
                new FlightRecording.GcPauses(0, Duration.ZERO, Duration.ZERO, 0, Duration.ZERO);
        assertThat(none.share()).isZero();
    }
}
