package io.sonde.stream.processor;

import static io.sonde.stream.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.Aggregate;
import io.sonde.stream.config.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Tumbling windows judged on each device's own time, updates per commit, finals once. */
@Timeout(60)
class WindowTopologyTest {
    private static final Duration UPDATE = StreamConfig.DEFAULT_UPDATE_INTERVAL;

    @TempDir Path stateDir;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        f = new TopologyFixture(StreamConfig.defaults().withState("window-test", stateDir));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void oneUpdatePerWindowAndMetricPerUpdateIntervalWithCountMinMaxSumMeanAndLast() {
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0, "humidity", 50.0));
        f.send("dev-1", 2, 3_000, Map.of("temperature", 25.0));
        f.send("dev-1", 3, 2_000, Map.of("temperature", 10.0)); // newer seq, older event time
        assertThat(f.aggregates()).as("updates wait for the update interval").isEmpty();

        f.tick(UPDATE); // ten commit intervals: one update per window and metric, not ten

        List<Aggregate> tens = f.updates("dev-1", "temperature", "10s");
        assertThat(tens).hasSize(1);
        Aggregate a = tens.getFirst();
        assertThat(a.getStartMs()).isEqualTo(T0);
        assertThat(a.getEndMs()).isEqualTo(T0 + 10_000);
        assertThat(a.getCount()).isEqualTo(3);
        assertThat(a.getMin()).isEqualTo(10.0);
        assertThat(a.getMax()).isEqualTo(25.0);
        assertThat(a.getSum()).isEqualTo(55.0);
        assertThat(a.getMean()).isEqualTo(55.0 / 3);
        assertThat(a.getLast()).as("value at the latest event time").isEqualTo(25.0);
        assertThat(a.getLastTimeMs()).isEqualTo(T0 + 3_000);
        assertThat(a.getRevision()).isEqualTo(3);
        assertThat(a.getFinal()).isFalse();
        assertThat(f.updates("dev-1", "temperature", "1m")).hasSize(1);
        assertThat(f.updates("dev-1", "humidity", "10s").getFirst().getCount()).isEqualTo(1);
        assertThat(f.aggregates()).hasSize(4);

        f.tick(UPDATE);
        assertThat(f.aggregates()).as("nothing changed: nothing more").hasSize(4);
        f.send("dev-1", 4, 4_000, Map.of("humidity", 52.0));
        f.tick(UPDATE);
        assertThat(f.aggregates()).as("only the windows that changed").hasSize(6);
        assertThat(f.updates("dev-1", "humidity", "10s").getLast().getRevision()).isEqualTo(2);
    }

    @Test
    void manyDevicesUpdatesAreSpreadOverTheIntervalEachExactlyOnce() {
        for (int d = 0; d < 100; d++) {
            f.send("dev-" + d, 1, 1_000, Map.of("t", 1.0));
        }

        f.tick(StreamConfig.DEFAULT_COMMIT_INTERVAL);
        int first = f.aggregates().size();
        f.tick(UPDATE);

        assertThat(first).as("one commit interval: a slice, not a burst").isBetween(1, 60);
        assertThat(f.aggregates()).as("every device's 10s and 1m window once").hasSize(200);
        for (int d = 0; d < 100; d++) {
            assertThat(f.updates("dev-" + d, "t", "10s")).hasSize(1);
        }
    }

    @Test
    void aFinalFollowsOnceTheDevicesTimePassesEndPlusGraceAndNeverTwice() {
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));
        f.tick(UPDATE);
        f.send("dev-1", 2, 19_999, Map.of("temperature", 21.0));
        assertThat(f.finals("dev-1", "temperature", "10s")).isEmpty();

        f.send("dev-1", 3, 20_000, Map.of("temperature", 22.0));

        List<Aggregate> finals = f.finals("dev-1", "temperature", "10s");
        assertThat(finals).hasSize(1);
        assertThat(finals.getFirst().getStartMs()).isEqualTo(T0);
        assertThat(finals.getFirst().getCount()).isEqualTo(1);
        assertThat(finals.getFirst().getRevision()).as("one past the last update").isEqualTo(2);
        f.tick(Duration.ofSeconds(30));
        f.send("dev-1", 4, 40_000, Map.of("temperature", 23.0));
        assertThat(f.finals("dev-1", "temperature", "10s"))
                .extracting(Aggregate::getStartMs)
                .as("each window closes once")
                .doesNotHaveDuplicates();
    }

    @Test
    void aReadingLaterThanGraceOnTheDevicesTimeIsDroppedAndCountedPerWindow() {
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));
        f.send("dev-1", 2, 20_000, Map.of("temperature", 21.0)); // closes [T0, T0+10s)
        f.tick(UPDATE);
        f.aggregates();

        f.send("dev-1", 3, 5_000, Map.of("temperature", 99.0));
        f.tick(UPDATE);

        assertThat(f.updates("dev-1", "temperature", "10s"))
                .noneMatch(a -> a.getStartMs() == T0 && a.getSum() > 20.0);
        assertThat(f.updates("dev-1", "temperature", "1m").getLast().getCount())
                .as("the 1m window is still open and counts it")
                .isEqualTo(3);
        assertThat(f.sensor("late-total", Optional.of("10s"))).isEqualTo(1.0);
        assertThat(f.sensor("late-total", Optional.of("1m"))).isZero();
    }

    @Test
    void aDeviceWhoseClockRunsFiveMinutesAheadMakesNoOtherDeviceLate() {
        long ahead = 5 * 60_000;
        for (int i = 0; i < 20; i++) {
            long now = T0 + i * 1_000L;
            f.send("fast", i + 1, now + ahead, now, Map.of("t", 1.0), Optional.empty());
            f.send("normal", i + 1, now, now, Map.of("t", 2.0), Optional.empty());
        }
        f.tick(Duration.ofSeconds(1));

        assertThat(f.sensor("late-total", Optional.empty())).isZero();
        long counted =
                f.aggregates().stream()
                        .filter(a -> a.getDeviceId().equals("normal") && a.getWindow().equals("1m"))
                        .mapToLong(Aggregate::getCount)
                        .max()
                        .orElse(0);
        assertThat(counted).isEqualTo(20);
    }

    @Test
    void readingsBufferedByADeviceThatWasOfflineCountOnItsOwnTime() {
        f.send("live", 1, 600_000, Map.of("t", 1.0)); // other devices are ten minutes on
        long received = T0 + 600_000;
        for (int i = 0; i < 5; i++) {
            f.send("back", i + 1, T0 + i * 1_000L, received, Map.of("t", 3.0), Optional.empty());
        }
        f.tick(UPDATE);

        assertThat(f.updates("back", "t", "10s").getLast().getCount()).isEqualTo(5);
        assertThat(f.sensor("late-total", Optional.empty())).isZero();
    }

    @Test
    void aQuietDevicesWindowsCloseOnTheWallClock() {
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));
        f.tick(Duration.ofSeconds(10));
        assertThat(f.finals("dev-1", "temperature", "10s")).isEmpty();

        f.tick(Duration.ofSeconds(11)); // 1 s + 20 s: end + grace has passed on the wall clock

        assertThat(f.finals("dev-1", "temperature", "10s")).hasSize(1);
        assertThat(f.finals("dev-1", "temperature", "1m")).isEmpty();
        f.tick(Duration.ofSeconds(60));
        assertThat(f.finals("dev-1", "temperature", "1m")).hasSize(1);
        assertThat(f.finals("dev-1", "temperature", "10s")).hasSize(1);
    }

    @Test
    void aReadingForAWindowTheWallClockClosedIsLateNotASecondFinal() {
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));
        f.tick(Duration.ofSeconds(21)); // closed on the wall clock: the device stayed quiet

        // The device comes back with a reading it had buffered from inside that window.
        f.send("dev-1", 2, T0 + 2_000, T0 + 21_000, Map.of("temperature", 30.0), Optional.empty());
        f.tick(Duration.ofSeconds(60));

        List<Aggregate> finals = f.finals("dev-1", "temperature", "10s");
        assertThat(finals).as("one final for [T0, T0+10s), exactly once").hasSize(1);
        assertThat(finals.getFirst().getCount()).isEqualTo(1);
        assertThat(f.sensor("late-total", Optional.of("10s"))).isEqualTo(1.0);
    }
}
