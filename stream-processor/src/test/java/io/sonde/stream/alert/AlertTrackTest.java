package io.sonde.stream.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The alert state machine, property-style: raises and clears alternate, one each per episode. */
class AlertTrackTest {
    private static Rule threshold(Op op, double threshold, double clear, long forMs) {
        return new Rule(
                "r", Rule.Kind.THRESHOLD, "t", op, threshold, clear, forMs, 0, Severity.MAJOR, "*");
    }

    @Test
    void overRandomValuesRaisesAndClearsAlternateAndMatchTheConditions() {
        Random random = new Random(1);
        for (int run = 0; run < 300; run++) {
            Op op = Op.values()[random.nextInt(4)];
            double threshold = 50;
            double clear = op.upward() ? 50 - random.nextInt(10) : 50 + random.nextInt(10);
            long forMs = random.nextInt(3) * 10_000L;
            Rule rule = threshold(op, threshold, clear, forMs);
            AlertTrack track = new AlertTrack();
            List<Transition> out = new ArrayList<>();
            boolean active = false;
            long t = 0;
            for (int i = 0; i < 200; i++) {
                t += 1_000 + random.nextInt(5_000);
                double v = random.nextInt(100);
                Optional<Transition> tr = track.observe(rule, "d", v, t);
                if (tr.isPresent()) {
                    Transition x = tr.get();
                    assertThat(x.raised()).as("alternates").isEqualTo(!active);
                    if (x.raised()) {
                        assertThat(rule.breached(v)).isTrue();
                    } else {
                        assertThat(rule.stillBreached(v)).isFalse();
                        assertThat(x.alertId()).isEqualTo(out.getLast().alertId());
                    }
                    active = x.raised();
                    out.add(x);
                } else if (active) {
                    assertThat(rule.stillBreached(v))
                            .as("stays active while beyond clear")
                            .isTrue();
                }
                assertThat(track.active()).isEqualTo(active);
            }
            assertThat(out.stream().map(Transition::alertId).distinct().count())
                    .as("one id per episode")
                    .isEqualTo(out.stream().filter(Transition::raised).count());
        }
    }

    @Test
    void forMsMustHoldWithoutABreakOnEventTime() {
        Rule rule = threshold(Op.GT, 80, 80, 30_000);
        AlertTrack track = new AlertTrack();
        assertThat(track.observe(rule, "d", 90, 0)).isEmpty();
        assertThat(track.observe(rule, "d", 90, 29_999)).isEmpty();
        assertThat(track.observe(rule, "d", 90, 30_000))
                .hasValueSatisfying(t -> assertThat(t.raised()).isTrue());

        AlertTrack broken = new AlertTrack();
        broken.observe(rule, "d", 90, 0);
        broken.observe(rule, "d", 70, 10_000);
        assertThat(broken.observe(rule, "d", 90, 30_000)).as("restarted at 30 s").isEmpty();
        assertThat(broken.idle()).isFalse();
    }

    @Test
    void anAbsenceRaisesOnceAndClearsWhenHeard() {
        Rule rule =
                new Rule("s", Rule.Kind.ABSENCE, "", Op.GT, 60, 60, 0, 60_000, Severity.MINOR, "*");
        AlertTrack track = new AlertTrack();
        assertThat(track.silence(rule, "d", 1_000, 59_999)).isEmpty();
        Transition raise = track.silence(rule, "d", 1_000, 60_000).orElseThrow();
        assertThat(raise.raisedAtMs()).isEqualTo(61_000);
        assertThat(track.silence(rule, "d", 1_000, 120_000)).as("once").isEmpty();
        Transition clear = track.heard(130_000).orElseThrow();
        assertThat(clear.raised()).isFalse();
        assertThat(clear.alertId()).isEqualTo(raise.alertId());
        assertThat(track.heard(131_000)).isEmpty();
    }

    @Test
    void aWithdrawnEpisodeClearsOnceAndKeepsWhatItRaised() {
        Rule rule = threshold(Op.GT, 80, 80, 0);
        AlertTrack track = new AlertTrack();
        track.observe(rule, "d", 85, 1_000);
        Transition t = track.withdraw(2_000, "rule r deleted").orElseThrow();
        assertThat(t.raised()).isFalse();
        assertThat(t.ruleId()).isEqualTo("r");
        assertThat(t.metric()).isEqualTo("t");
        assertThat(t.severity()).isEqualTo("major");
        assertThat(t.message()).isEqualTo("rule r deleted");
        assertThat(track.withdraw(3_000, "again")).isEmpty();
        assertThat(track.idle()).isTrue();
    }

    @Test
    void aRestoredTrackContinuesTheEpisode() {
        Rule rule = threshold(Op.GT, 80, 75, 0);
        AlertTrack track = new AlertTrack();
        Transition raise = track.observe(rule, "d", 85, 1_000).orElseThrow();
        AlertTrack copy =
                AlertTrack.restore(
                        new AlertTrack.Episode(
                                track.pendingSince(),
                                track.active(),
                                track.alertId(),
                                track.metric(),
                                track.severity(),
                                track.raisedAt(),
                                track.raisedValue(),
                                track.threshold(),
                                track.message()));
        assertThat(copy.observe(rule, "d", 78, 2_000)).isEmpty();
        assertThat(copy.observe(rule, "d", 70, 3_000).orElseThrow().alertId())
                .isEqualTo(raise.alertId());
    }
}
