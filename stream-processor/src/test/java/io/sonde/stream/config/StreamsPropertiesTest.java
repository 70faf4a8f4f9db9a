package io.sonde.stream.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {
    private static final String BATCH =
            StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);

    private static Properties defaults() {
        return StreamsProperties.forRuntime(
                StreamConfig.defaults(), KafkaConfig.of("127.0.0.1:9", "t."), "h:8082");
    }

    @Test
    void runsExactlyOnceWithLargeProducerBatchesAndPublishesItsAddress() {
        Properties props = defaults();

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(BATCH)).isEqualTo(128 * 1024);
        assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("h:8082");
        assertThat(props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("127.0.0.1:9");
    }

    @Test
    void tasksNeverIdleWaitingForASecondPartition() {
        Properties props = defaults();
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    }

    @Test
    void theOperatorsVerbatimSettingsWin() {
        KafkaConfig kafka =
                new KafkaConfig(
                        "127.0.0.1:9",
                        "t.",
                        6,
                        (short) -1,
                        Map.of(),
                        Map.of(),
                        Map.of(BATCH, "16384", "session.timeout.ms", "30000"),
                        Map.of());

        Properties props = StreamsProperties.forRuntime(StreamConfig.defaults(), kafka, "h:1");

        assertThat(props.get(BATCH)).isEqualTo("16384");
        assertThat(props.get("session.timeout.ms")).isEqualTo("30000");
    }
}
