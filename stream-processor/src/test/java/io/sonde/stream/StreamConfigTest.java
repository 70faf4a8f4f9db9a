package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.platform.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StreamConfigTest {
    @Test
    void classpathDefaultsMatchTheConstants() {
        Config root =
                ServiceConfig.of(StreamProcessorMain.SERVICE)
                        .environment(Map.of())
                        .systemProperties(Map.of())
                        .load();

        StreamConfig settings = StreamConfig.create(root.get("sonde.stream"));

        assertThat(settings).isEqualTo(StreamConfig.defaults());
        assertThat(root.get("server.port").asInt().get()).isEqualTo(8082);
        assertThat(settings.applicationId()).isEqualTo("sonde-stream-processor");
        assertThat(settings.windows())
                .containsExactly(
                        new WindowSpec("10s", Duration.ofSeconds(10)),
                        new WindowSpec("1m", Duration.ofMinutes(1)));
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.deviceOfflineAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.stateDir()).isEqualTo(Path.of("data/streams"));
        assertThat(settings.commitInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void readsShortAndIsoDurationsAndLabelsWindows() {
        StreamConfig settings =
                StreamConfig.create(
                        node(
                                Map.of(
                                        "windows.0", "PT90S",
                                        "windows.1", "1500ms",
                                        "windows.2", "1h",
                                        "grace", "0s",
                                        "device-offline-after", "2m",
                                        "state-dir", "/var/lib/sonde/streams")));

        assertThat(settings.windows())
                .extracting(WindowSpec::label)
                .containsExactly("90s", "1500ms", "1h");
        assertThat(settings.grace()).isZero();
        assertThat(settings.deviceOfflineAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.stateDir()).isEqualTo(Path.of("/var/lib/sonde/streams"));
    }

    @Test
    void rejectsBadValuesNamingTheProblem() {
        assertThatThrownBy(() -> StreamConfig.create(node(Map.of("grace", "soon"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("soon");
        assertThatThrownBy(() ->
                        StreamConfig.create(node(Map.of("windows.0", "10s", "windows.1", "PT10S"))))
                .hasMessageContaining("window listed twice: 10s");
        assertThatThrownBy(() -> StreamConfig.create(node(Map.of("commit-interval", "0s"))))
                .hasMessageContaining("sonde.stream.commit-interval");
    }

    private static Config node(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
