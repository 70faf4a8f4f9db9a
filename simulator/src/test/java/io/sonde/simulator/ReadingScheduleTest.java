package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReadingScheduleTest {
    private static final long START = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void firstReadingIsDueAtStartAndNothingBefore() {
        ReadingSchedule schedule = new ReadingSchedule(10, START, 100);

        assertThat(schedule.due(START - 1)).isZero();
        assertThat(schedule.due(START)).isEqualTo(1);
    }

    @Test
    void tenPerSecondGivesTenPerSecondWhateverTheTicks() {
        ReadingSchedule schedule = new ReadingSchedule(10, START, 100);

        int total = 0;
        // Irregular, late ticks: the count depends on the clock only.
        for (long t : new long[] {0, 250, 260, 999, 1_700, 3_000}) {
            int due = schedule.due(START + t * 1_000_000);
            for (int i = 0; i < due; i++) {
                schedule.advance();
            }
            total += due;
        }

        assertThat(total).isEqualTo(31); // readings at 0, 0.1, ..., 3.0 s
        assertThat(schedule.nextSeq()).isEqualTo(131);
    }

    @Test
    void fractionalRateSendsOneReadingEveryOtherSecond() {
        ReadingSchedule schedule = new ReadingSchedule(0.5, START, 0);
        int[] perSecond = new int[6];
        for (int s = 0; s < perSecond.length; s++) {
            perSecond[s] = schedule.due(START + s * SECOND);
            for (int i = 0; i < perSecond[s]; i++) {
                schedule.advance();
            }
        }

        assertThat(perSecond).containsExactly(1, 0, 1, 0, 1, 0);
    }

    @Test
    void dueTimesAreEvenlySpacedAndSeqGrowsByOne() {
        ReadingSchedule schedule = new ReadingSchedule(4, START, 7);

        assertThat(schedule.due(START + SECOND)).isEqualTo(5);
        for (int k = 0; k < 5; k++) {
            assertThat(schedule.nextSeq()).isEqualTo(7 + k);
            assertThat(schedule.nextDueUnixNanos()).isEqualTo(START + k * SECOND / 4);
            schedule.advance();
        }
        assertThat(schedule.due(START + SECOND)).isZero();
    }
}
