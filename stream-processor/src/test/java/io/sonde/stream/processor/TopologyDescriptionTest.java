package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.stream.config.StreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards the names of stores, internal topics and operators. Streams derives changelog and
 * repartition topics from them: an unnoticed rename leaves a deployed application with empty state
 * (dedup forgets every device) and orphaned topics.
 */
@Timeout(30)
class TopologyDescriptionTest {
    private static final Path GOLDEN = Path.of("src/test/resources/telemetry-topology.txt");
    private static final String UPDATE_PROPERTY = "sonde.update-golden";

    @Test
    void topologyMatchesGoldenDescription() throws IOException {
        String actual =
                TelemetryTopology.build(
                                StreamConfig.defaults(),
                                Topics.withPrefix(Topics.DEFAULT_PREFIX),
                                RecordSpans.off())
                        .describe()
                        .toString();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.writeString(GOLDEN, actual);
        }

        assertThat(actual)
                .as(
                        """
                        The topology no longer matches %s.
                        Renamed stores or internal topics lose state on upgrade (plan a reset or \
                        migration). If the change is intended, regenerate the file and review the diff:
                          ./mvnw -o install -pl stream-processor -Dtest=TopologyDescriptionTest \
                        -D%s=true -DskipITs
                        """
                                .formatted(GOLDEN, UPDATE_PROPERTY))
                .isEqualTo(Files.readString(GOLDEN));
    }

    @Test
    void eachTaskReadsOnePartitionOfTheTelemetryTopic() {
        // What makes turning off task idling (StreamsProperties) safe: idling only orders records
        // across the partitions of one task, and a task here holds one partition of one topic.
        Topics topics = Topics.withPrefix(Topics.DEFAULT_PREFIX);
        TopologyDescription d =
                TelemetryTopology.build(StreamConfig.defaults(), topics, RecordSpans.off())
                        .describe();

        assertThat(d.subtopologies()).hasSize(1);
        assertThat(
                        d.subtopologies().iterator().next().nodes().stream()
                                .filter(TopologyDescription.Source.class::isInstance)
                                .map(n -> ((TopologyDescription.Source) n).topicSet())
                                .toList())
                .containsExactly(Set.of(topics.telemetry().name()));
    }
}
