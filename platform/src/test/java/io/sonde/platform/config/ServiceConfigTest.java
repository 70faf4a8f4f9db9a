package io.sonde.platform.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.sonde.platform.kafka.KafkaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The precedence table of docs/configuration.md, one test per row: code defaults < application.yaml
 * < --config FILE < KAFKA_BOOTSTRAP_SERVERS < SONDE_* environment variables < system properties <
 * explicit flags. Each test states its whole environment, so the developer's own never leaks in.
 */
class ServiceConfigTest {
    @TempDir Path dir;
    private Path file;

    @BeforeEach
    void file() throws IOException {
        file = dir.resolve("app.yaml");
        Files.writeString(
                file,
                "server:\n  port: 9999\nsonde:\n  kafka:\n    partitions: 7\n"
                        + "    bootstrap-servers: file:9092\n");
    }

    private ServiceConfig clean() {
        return ServiceConfig.of("test-service").environment(Map.of()).systemProperties(Map.of());
    }

    private static KafkaConfig kafka(Config root) {
        return KafkaConfig.create(root.get("sonde.kafka"));
    }

    @Test
    void codeDefaultsApplyWhereNothingIsSet() {
        Config root = clean().load();

        assertThat(kafka(root).replicationFactor())
                .isEqualTo(KafkaConfig.DEFAULT_REPLICATION_FACTOR);
    }

    @Test
    void applicationYamlBeatsCodeDefaults() {
        Config root = clean().load();

        assertThat(kafka(root).topicPrefix()).isEqualTo("x.");
        assertThat(kafka(root).partitions()).isEqualTo(2);
    }

    @Test
    void configFileBeatsApplicationYaml() {
        Config root = clean().file(file).load();

        assertThat(root.get("server.port").asInt().get()).isEqualTo(9999);
        assertThat(kafka(root).partitions()).isEqualTo(7);
        assertThat(kafka(root).topicPrefix()).isEqualTo("x.");
    }

    @Test
    void kafkaBootstrapServersBeatsTheConfigFile() {
        Config root =
                clean().file(file)
                        .environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092"))
                        .load();

        assertThat(kafka(root).bootstrapServers()).isEqualTo("env:9092");
    }

    @Test
    void sondeEnvironmentVariablesBeatKafkaBootstrapServers() {
        Config root =
                clean().file(file)
                        .environment(
                                Map.of(
                                        "KAFKA_BOOTSTRAP_SERVERS", "plain:9092",
                                        "SONDE_KAFKA_BOOTSTRAP_SERVERS", "sonde:9092"))
                        .load();

        assertThat(kafka(root).bootstrapServers()).isEqualTo("sonde:9092");
    }

    @Test
    void environmentVariablesBeatTheConfigFileWithDashesAndDotsAsUnderscores() {
        Config root =
                clean().file(file)
                        .environment(
                                Map.of(
                                        "SONDE_KAFKA_PARTITIONS", "11",
                                        "SONDE_INGEST_MAX_READINGS_PER_BATCH", "500"))
                        .load();

        assertThat(kafka(root).partitions()).isEqualTo(11);
        assertThat(root.get("sonde.ingest.max-readings-per-batch").asInt().get()).isEqualTo(500);
    }

    @Test
    void systemPropertiesBeatEnvironmentVariables() {
        Config root =
                clean().environment(Map.of("SONDE_KAFKA_PARTITIONS", "11"))
                        .systemProperties(Map.of("sonde.kafka.partitions", "12"))
                        .load();

        assertThat(kafka(root).partitions()).isEqualTo(12);
    }

    @Test
    void explicitFlagsBeatEverythingKafkaBootstrapServersIncluded() {
        Config root =
                clean().file(file)
                        .environment(
                                Map.of(
                                        "KAFKA_BOOTSTRAP_SERVERS", "exported:9092",
                                        "SONDE_KAFKA_BOOTSTRAP_SERVERS", "exported:9093",
                                        "SERVER_PORT", "7777"))
                        .systemProperties(Map.of("server.port", "7778"))
                        .flags(
                                Map.of(
                                        "sonde.kafka.bootstrap-servers", "127.0.0.1:1234",
                                        "server.port", "0"))
                        .load();

        assertThat(kafka(root).bootstrapServers()).isEqualTo("127.0.0.1:1234");
        assertThat(root.get("server.port").asInt().get()).isZero();
    }

    @Test
    void findsTheConfigArgument() {
        assertThat(ServiceConfig.configFile(new String[] {"--config", "a.yaml"}))
                .contains(Path.of("a.yaml"));
        assertThat(ServiceConfig.configFile(new String[] {"--config"})).isEmpty();
        Config root = clean().args(new String[] {"--config", file.toString()}).load();
        assertThat(kafka(root).partitions()).isEqualTo(7);
    }
}
