package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.stream.config.StreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
