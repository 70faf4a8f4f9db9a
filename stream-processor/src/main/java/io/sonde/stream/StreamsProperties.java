package io.sonde.stream;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams configuration of the stream processor. Sonde's values first; the verbatim {@code
 * sonde.kafka.streams.*} settings are applied last and win, so an operator can override anything.
 */
final class StreamsProperties {
    /**
     * StreamsConfig refuses to exist without bootstrap servers, but building a topology never
     * connects; KafkaStreams later re-reads the real configuration.
     */
    private static final String TOPOLOGY_ONLY_BOOTSTRAP = "topology-only:9092";

    private StreamsProperties() {}

    /** What {@link TelemetryTopology#build} needs: naming checks and the guarantee, no cluster. */
    static Properties forTopology(StreamConfig settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, TOPOLOGY_ONLY_BOOTSTRAP);
        props.putAll(sondeValues(settings));
        return props;
    }

    /** The configuration KafkaStreams runs with. */
    static Properties forRuntime(StreamConfig settings, KafkaConfig kafka) {
        Properties props = new Properties();
        props.putAll(sondeValues(settings));
        if (kafka.replicationFactor() > 0) {
            // Changelog and repartition topics as durable as the topics Sonde creates itself.
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        }
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(kafka.streams());
        return props;
    }

    private static Map<String, Object> sondeValues(StreamConfig settings) {
        Map<String, Object> props = new HashMap<>();
        // Names the consumer group, the internal topics and the state directory.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        // Dedup relies on this: the highest-seq store update, the outputs and the input offset
        // commit atomically, so a crash can neither count a reading twice nor lose one.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Window updates leave the record caches only on commit: this bounds how stale a live
        // dashboard chart can be, while caching still folds bursts of readings into one update.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        // Every store, changelog and repartition topic carries a name we chose, so that a change
        // to the topology can never silently rename (and so orphan) state.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
        // One undecodable record must not stop processing for every device; Streams logs it and
        // counts it in the task's dropped-records metric.
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        // There is no global store; opting in now matches the Kafka 5.0 default and stops a
        // start-up warning about it.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        return props;
    }
}
