package io.sonde.platform.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void isUpOnlyWhenEveryCheckIsUpAndNamesWhatIsDown() throws Exception {
        AtomicBoolean streams = new AtomicBoolean(true);
        Health health = new Health();
        health.addReadiness(HealthCheck.of("streams", streams::get, "state REBALANCING"));
        health.addReadiness(new HealthCheck("kafka", Optional::empty));

        assertThat(health.readiness().up()).isTrue();
        assertThat(health.readiness().problems()).isEmpty();

        streams.set(false);
        HealthReport down = health.readiness();
        assertThat(down.up()).isFalse();
        assertThat(down.problems()).isEqualTo("streams: state REBALANCING");
        JsonNode json = JSON.readTree(down.toJson());
        assertThat(json.get("status").asText()).isEqualTo("DOWN");
        assertThat(json.at("/checks/streams/status").asText()).isEqualTo("DOWN");
        assertThat(json.at("/checks/streams/reason").asText()).isEqualTo("state REBALANCING");
        assertThat(json.at("/checks/kafka/status").asText()).isEqualTo("UP");
        assertThat(json.at("/checks/kafka").has("reason")).isFalse();
    }

    @Test
    void aCheckThatThrowsIsDownNotABrokenEndpoint() {
        HealthCheck broken =
                new HealthCheck(
                        "broken",
                        () -> {
                            throw new IllegalStateException("boom");
                        });

        HealthReport.Result result = broken.evaluate();

        assertThat(result.up()).isFalse();
        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).contains("boom"));
    }

    @Test
    void livenessAndReadinessAreSeparate() {
        Health health = new Health();
        health.addReadiness(HealthCheck.of("kafka", () -> false, "unreachable"));

        assertThat(health.liveness().up()).isTrue();
        assertThat(health.readiness().up()).isFalse();
    }
}
