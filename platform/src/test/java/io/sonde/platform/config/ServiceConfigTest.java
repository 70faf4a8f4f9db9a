package io.sonde.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {
    @Test
    void overridesWinOverFileAndFileWinsOverClasspathDefaults(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, "server:\n  port: 9999\nsonde:\n  kafka:\n    partitions: 7\n");

        Config config =
                ServiceConfig.load(
                        "test-service", Optional.of(file), Map.of("server.port", "1234"));

        assertThat(config.get("server.port").asInt().get()).isEqualTo(1234);
        assertThat(config.get("sonde.kafka.partitions").asInt().get()).isEqualTo(7);
        assertThat(config.get("sonde.kafka.topic-prefix").asString().get()).isEqualTo("x.");
    }

    @Test
    void findsTheConfigArgument() {
        assertThat(ServiceConfig.configFile(new String[] {"--config", "a.yaml"}))
                .contains(Path.of("a.yaml"));
        assertThat(ServiceConfig.configFile(new String[] {"--config"})).isEmpty();
    }
}
