package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.helidon.config.ConfigSources;
import io.sonde.platform.config.ServiceConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushConfigTest {
    private static PushConfig of(Map<String, String> values) {
        return PushConfig.create(Config.just(ConfigSources.create(values)));
    }

    @Test
    void theClasspathDefaultsMatchTheNamedConstants() {
        Config root =
                ServiceConfig.of(PushGatewayMain.SERVICE)
                        .environment(Map.of())
                        .systemProperties(Map.of())
                        .load();

        assertThat(PushConfig.create(root.get("sonde.push"))).isEqualTo(PushConfig.defaults());
        assertThat(root.get("server.port").asInt().get()).isEqualTo(8080);
    }

    @Test
    void durationsReadShortAndIsoForms() {
        PushConfig config =
                of(Map.of("heartbeat", "250ms", "sse-retry", "PT2S", "write-timeout", "1m"));

        assertThat(config.heartbeat()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.sseRetry()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.writeTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aHeartbeatAboveFifteenSecondsIsRefused() {
        assertThatThrownBy(() -> of(Map.of("heartbeat", "30s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("15s");
    }

    @Test
    void garbageDurationsNameTheKey() {
        assertThatThrownBy(() -> of(Map.of("heartbeat", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("heartbeat");
    }
}
