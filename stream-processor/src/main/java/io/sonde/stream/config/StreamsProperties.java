package io.sonde.stream.config;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Kafka Streams configuration of the stream processor. Sonde's values first; the verbatim {@code
 * sonde.kafka.streams.*} settings are applied last and win, so an operator can override anything.
 */
public final class StreamsProperties {
    /**
     * StreamsConfig refuses to exist without bootstrap servers, but building a topology never
     * connects; KafkaStreams later re-reads the real configuration.
     */
    private static final String TOPOLOGY_ONLY_BOOTSTRAP = "topology-only:9092";

    private StreamsProperties() {}

    /** What building the topology needs: naming checks and the guarantee, no cluster. */
    public static Properties forTopology(StreamConfig settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, TOPOLOGY_ONLY_BOOTSTRAP);
        props.putAll(sondeValues(settings));
        return props;
    }

    /**
     * The configuration KafkaStreams runs with.
     *
     * @param applicationServer {@code host:port} where the other instances reach this one's state
     *     queries
     */
    public static Properties forRuntime(
            StreamConfig settings, KafkaConfig kafka, String applicationServer) {
        Properties props = new Properties();
        props.putAll(sondeValues(settings));
        // Published in the group's metadata: how a query on another instance finds this one.
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
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
        // Everything relies on this: a device's state update, the outputs it causes and the input
        // offset commit atomically, so a crash can neither count a reading twice nor lose one,
        // nor raise or clear an alert twice.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The device store's cache writes each device once per commit, and the processor emits
        // window updates and device states at the same interval: how stale a live chart can be.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitInterval().toMillis());
        // Every store, changelog and repartition topic carries a name we chose, so that a change
        // to the topology can never silently rename (and so orphan) state.
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads());
        // An instance that dies without leaving (kill -9, a lost node) holds its partitions until
        // the group gives up on its heartbeats: 10 s instead of Kafka's 45 s, so its devices are
        // processed again by the others within seconds (RELIABILITY.md). Heartbeats come from a
        // thread of their own, so a busy stream thread does not miss them.
        // Unprefixed, so that a `sonde.kafka.streams.session.timeout.ms` of the operator wins.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // One undecodable record must not stop processing for every device; Streams logs it and
        // counts it in the task's dropped-records metric.
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        // The rules store is global: let the processing exception handler cover it too, as
        // Kafka 5.0 will by default.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // Each task reads one partition of the telemetry topic (the rules are a global store), so
        // there is no second partition whose records it could wait for to process in time order:
        // idling buys nothing. With idling on (Kafka's 0), Streams formats diagnostic strings for
        // every task whose partition has run dry, on every loop: 7% of the stream thread's CPU
        // samples in `./sonde bench streams`, 0.6% with it off (BENCHMARKS.md).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // A commit's outputs fill a few tens of partitions with small records; 128 KiB batches
        // (Kafka: 16 KiB) mean about one batch per partition per commit, so fewer produce
        // requests and sender wake-ups: +14% readings/s in `./sonde bench streams` (BENCHMARKS.md).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        return props;
    }
}
