package io.sonde.stream.processor;

import static io.sonde.stream.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.stream.config.StreamConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Alert rules end to end through the topology: one raise, one clear, rules changed live. */
@Timeout(60)
class AlertTopologyTest {
    @TempDir Path stateDir;
    private TopologyFixture f;
    private long seq;

    @BeforeEach
    void start() {
        f = new TopologyFixture(StreamConfig.defaults().withState("alert-test", stateDir));
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private void value(String device, long offsetMs, double v) {
        f.send(device, ++seq, offsetMs, Map.of("temperature", v));
    }

    private List<String> transitions() {
        return f.alerts().stream()
                .map(a -> (a.getState() == AlertState.ACTIVE ? "raise " : "clear ") + a.getValue())
                .toList();
    }

    @ParameterizedTest
    @CsvSource({">, 81, 85, 79", ">=, 80, 80, 79.9", "<, 9, 5, 11", "<=, 10, 10, 10.1"})
    void eachOpRaisesOnceWhileBreachedAndClearsOnce(
            String op, double breach, double again, double ok) throws Exception {
        f.putRule(
                "r",
                "{\"metric\":\"temperature\",\"op\":\""
                        + op
                        + "\",\"threshold\":"
                        + (op.startsWith(">") ? 80 : 10)
                        + ",\"severity\":\"major\"}");
        value("dev-1", 1_000, ok);
        value("dev-1", 2_000, breach);
        value("dev-1", 3_000, again);
        value("dev-1", 4_000, ok);
        value("dev-1", 5_000, ok);

        assertThat(transitions()).containsExactly("raise " + breach, "clear " + ok);
        Alert raise = f.alerts().get(0);
        Alert clear = f.alerts().get(1);
        assertThat(clear.getId()).isEqualTo(raise.getId());
        assertThat(raise.getRuleId()).isEqualTo("r");
        assertThat(raise.getSeverity()).isEqualTo("major");
        assertThat(raise.getRaisedAtMs()).isEqualTo(T0 + 2_000);
        assertThat(clear.getRaisedAtMs()).isEqualTo(T0 + 2_000);
        assertThat(clear.getClearedAtMs()).isEqualTo(T0 + 4_000);
        assertThat(f.sensor("alerts-raised-total", Optional.of("major"))).isEqualTo(1.0);
        assertThat(f.sensor("alerts-cleared-total", Optional.of("major"))).isEqualTo(1.0);
    }

    @Test
    void aClearThresholdGivesHysteresis() throws Exception {
        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"clearThreshold\":75,\"severity\":\"critical\"}");
        value("dev-1", 1_000, 85);
        value("dev-1", 2_000, 78); // below the threshold, above the clear threshold: still active
        value("dev-1", 3_000, 81);
        value("dev-1", 4_000, 75); // at the clear threshold: no longer > 75

        assertThat(transitions()).containsExactly("raise 85.0", "clear 75.0");
    }

    @Test
    void forSecondsMustHoldOnEventTimeAndABreakStartsOver() throws Exception {
        f.putRule(
                "held",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"forSeconds\":30,\"severity\":\"minor\"}");
        value("dev-1", 0, 90);
        value("dev-1", 10_000, 90);
        value("dev-1", 15_000, 70); // broken
        value("dev-1", 20_000, 90);
        value("dev-1", 45_000, 90); // held 25 s since 20 s
        assertThat(f.alerts()).isEmpty();

        value("dev-1", 50_000, 91); // held 30 s

        assertThat(transitions()).containsExactly("raise 91.0");
        assertThat(f.alerts().getFirst().getRaisedAtMs()).isEqualTo(T0 + 50_000);
    }

    @Test
    void anAbsenceRuleRaisesOnceWhenADeviceFallsSilentAndClearsWhenItIsHeard() throws Exception {
        f.putRule("silent", "{\"kind\":\"absence\",\"afterSeconds\":30,\"severity\":\"warning\"}");
        value("dev-1", 0, 20);
        f.tick(Duration.ofSeconds(29));
        assertThat(f.alerts()).isEmpty();

        f.tick(Duration.ofSeconds(2));
        f.tick(Duration.ofSeconds(20));

        assertThat(f.alerts()).hasSize(1);
        Alert raise = f.alerts().getFirst();
        assertThat(raise.getState()).isEqualTo(AlertState.ACTIVE);
        assertThat(raise.getRaisedAtMs())
                .as("device's last event + afterSeconds")
                .isEqualTo(T0 + 30_000);
        assertThat(raise.getMetric()).isEmpty();

        value("dev-1", 51_000, 21);

        assertThat(f.alerts()).hasSize(2);
        assertThat(f.alerts().get(1).getState()).isEqualTo(AlertState.CLEARED);
        assertThat(f.alerts().get(1).getId()).isEqualTo(raise.getId());
    }

    @Test
    void ruleChangesApplyToTheNextReadingAndADeletedRuleClearsItsAlertsOnce() throws Exception {
        value("dev-1", 1_000, 85);
        assertThat(f.alerts()).as("no rule yet").isEmpty();

        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"severity\":\"major\"}");
        value("dev-1", 2_000, 85);
        value("dev-2", 2_000, 85);
        assertThat(f.alerts()).hasSize(2);

        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":90,\"severity\":\"major\"}");
        value("dev-1", 3_000, 86); // below the new threshold: clears
        assertThat(f.alerts()).hasSize(3);
        assertThat(f.alerts().get(2).getState()).isEqualTo(AlertState.CLEARED);

        f.deleteRule("hot");
        value("dev-3", 4_000, 99); // any reading lets the task see the change
        List<Alert> all = f.alerts();
        assertThat(all).hasSize(4);
        Alert withdrawn = all.get(3);
        assertThat(withdrawn.getDeviceId()).isEqualTo("dev-2");
        assertThat(withdrawn.getState()).isEqualTo(AlertState.CLEARED);
        assertThat(withdrawn.getMessage()).contains("deleted");
        f.tick(Duration.ofSeconds(2));
        value("dev-2", 5_000, 99);
        assertThat(f.alerts()).as("nothing more once deleted").hasSize(4);
    }

    @Test
    void aRuleWhosePatternNoLongerMatchesClearsItsAlerts() throws Exception {
        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"severity\":\"info\",\"devices\":\"plant-1-*\"}");
        value("plant-1-a", 1_000, 85);
        value("plant-2-a", 1_000, 85);
        assertThat(f.alerts()).extracting(Alert::getDeviceId).containsExactly("plant-1-a");

        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"severity\":\"info\",\"devices\":\"plant-2-*\"}");
        f.tick(Duration.ofSeconds(1));

        assertThat(f.alerts()).hasSize(2);
        assertThat(f.alerts().get(1).getState()).isEqualTo(AlertState.CLEARED);
        assertThat(f.alerts().get(1).getMessage()).contains("no longer applies");
    }

    @Test
    void anAlertCarriesTheTraceparentOfTheReadingThatRaisedIt() throws Exception {
        f.putRule(
                "hot",
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"severity\":\"info\"}");
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        f.send(
                "dev-1",
                1,
                T0 + 1_000,
                T0 + 1_000,
                Map.of("temperature", 85.0),
                Optional.of(traceparent));

        TestRecord<String, Alert> alert = f.alertRecords().getFirst();
        Header h = alert.headers().lastHeader("traceparent");
        assertThat(h).isNotNull();
        assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo(traceparent);
        assertThat(alert.key()).isEqualTo("dev-1");
    }
}
