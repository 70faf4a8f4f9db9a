package io.sonde.stream.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTrackTest {
    @Test
    void lateIsJudgedAgainstTheDevicesOwnHighMark() {
        WindowTrack track = new WindowTrack(10_000);
        assertThat(track.isLate(5_000, 19_999, 10_000)).isFalse();
        assertThat(track.isLate(5_000, 20_000, 10_000)).isTrue();
        assertThat(track.isLate(-1, 9_999, 0)).as("floor for negative times").isTrue();
        assertThat(track.startOf(-1)).isEqualTo(-10_000);
    }

    @Test
    void windowsOpenInOrderAndCloseOldestFirst() {
        WindowTrack track = new WindowTrack(10_000);
        track.windowFor(25_000);
        track.windowFor(5_000);
        track.windowFor(15_000);
        assertThat(track.open())
                .extracting(OpenWindow::start)
                .containsExactly(0L, 10_000L, 20_000L);
        assertThat(track.windowFor(7_000)).isSameAs(track.open().getFirst());

        assertThat(track.closeUpTo(29_999, 10_000))
                .extracting(OpenWindow::start)
                .containsExactly(0L);
        assertThat(track.closeUpTo(30_000, 10_000))
                .extracting(OpenWindow::start)
                .containsExactly(10_000L);
        assertThat(track.open()).extracting(OpenWindow::start).containsExactly(20_000L);
        assertThat(track.closeUpTo(39_999, 10_000)).isEmpty();
    }

    @Test
    void closesSaysWhetherCloseUpToWouldCloseAWindow() {
        WindowTrack track = new WindowTrack(10_000);
        assertThat(track.closes(Long.MAX_VALUE, 0)).as("nothing open").isFalse();
        track.windowFor(15_000);
        track.windowFor(5_000);
        assertThat(track.closes(19_999, 10_000)).isFalse();
        assertThat(track.closes(20_000, 10_000)).as("the oldest, at end + grace").isTrue();
        track.closeUpTo(20_000, 10_000);
        assertThat(track.closes(29_999, 10_000)).isFalse();
        assertThat(track.closes(30_000, 10_000)).isTrue();
    }

    @Test
    void anAccumulatorCountsAndKeepsTheValueOfTheNewestEventTime() {
        Accumulator a = new Accumulator();
        a.add(5, 2_000);
        a.add(1, 1_000);
        a.add(9, 2_000);
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.min()).isEqualTo(1);
        assertThat(a.max()).isEqualTo(9);
        assertThat(a.sum()).isEqualTo(15);
        assertThat(a.last()).as("ties go to the later arrival").isEqualTo(9);
        assertThat(a.revision()).isEqualTo(3);
        assertThat(a.dirty()).isTrue();
        a.clean();
        assertThat(a.dirty()).isFalse();
    }

    @Test
    void theMetricTableCapsNamesAndKeepsTheNewestValue() {
        MetricTable t = new MetricTable(2);
        int a = t.indexOf("a");
        assertThat(t.indexOf("b")).isEqualTo(1);
        assertThat(t.indexOf("c")).isEqualTo(-1);
        assertThat(t.find("c")).isEqualTo(-1);
        assertThat(t.record(a, 1, 2_000)).isTrue();
        assertThat(t.record(a, 7, 1_000)).as("older event time").isFalse();
        assertThat(t.last(a)).isEqualTo(1);
        assertThat(t.record(a, 1, 3_000)).as("same value").isFalse();
    }
}
