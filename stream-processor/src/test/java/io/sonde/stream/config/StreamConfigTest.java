package io.sonde.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.stream.StreamProcessorMain;
import io.sonde.stream.alert.Rule;
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
                .hasMessageContaining("grace")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> StreamConfig.create(node(Map.of("replay-window", "100"))))
                .hasMessageContaining("multiple of 64");
        assertThatThrownBy(() ->
                        StreamConfig.create(node(Map.of("windows.0", "10s", "windows.1", "PT10S"))))
                .hasMessageContaining("window listed twice: 10s");
        assertThatThrownBy(() -> StreamConfig.create(node(Map.of("commit-interval", "0s"))))
                .hasMessageContaining("sonde.stream.commit-interval");
        assertThatThrownBy(() -> StreamConfig.create(node(Map.of("update-interval", "5ms"))))
                .hasMessageContaining("update-interval must be >= 10ms");
        assertThatThrownBy(
                        () -> StreamConfig.create(node(Map.of("max-metrics-per-device", "5000"))))
                .hasMessageContaining("<= 4096");
    }

    @Test
    void readsRulesFromConfigurationAndNamesTheBadField() {
        StreamConfig config =
                StreamConfig.create(
                        node(
                                Map.ofEntries(
                                        Map.entry("rules.0.id", "temp-high"),
                                        Map.entry("rules.0.metric", "temperature"),
                                        Map.entry("rules.0.op", ">"),
                                        Map.entry("rules.0.threshold", "80"),
                                        Map.entry("rules.0.clearThreshold", "75.5"),
                                        Map.entry("rules.0.forSeconds", "30"),
                                        Map.entry("rules.0.severity", "critical"),
                                        Map.entry("rules.1.id", "silent"),
                                        Map.entry("rules.1.kind", "absence"),
                                        Map.entry("rules.1.afterSeconds", "60"),
                                        Map.entry("rules.1.severity", "major"))));

        assertThat(config.rules()).extracting(Rule::id).containsExactly("temp-high", "silent");
        Rule high = config.rules().get(0);
        assertThat(high.clearThreshold()).isEqualTo(75.5);
        assertThat(high.forMs()).isEqualTo(30_000);
        assertThat(config.rules().get(1).afterMs()).isEqualTo(60_000);

        assertThatThrownBy(() ->
                        StreamConfig.create(
                                node(
                                        Map.of(
                                                "rules.0.id", "x",
                                                "rules.0.metric", "t",
                                                "rules.0.op", "!=",
                                                "rules.0.threshold", "1",
                                                "rules.0.severity", "info"))))
                .hasMessageContaining("rule x")
                .hasMessageContaining("op");
    }

    private static Config node(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
