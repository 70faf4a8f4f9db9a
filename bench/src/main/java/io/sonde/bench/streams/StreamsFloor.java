package io.sonde.bench.streams;

import io.sonde.bench.BenchException;
import io.sonde.bench.TopicAdmin;
import io.sonde.stack.LocalStack;
import io.sonde.stream.config.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The least a Kafka Streams application with the processor's guarantees can do per reading, timed
 * like {@link StreamsRun}: exactly_once_v2, the processor's commit interval and stream threads, and
 * one cached, changelogged store write per reading (the reading's bytes under its device id); no
 * decoding, no outputs. What our processor costs beyond it is our work; what it costs against
 * ConsumerPerformance is the price of the guarantee on this machine.
 */
final class StreamsFloor {
    private static final Duration POLL = Duration.ofMillis(50);
    private static final String STORE = "floor-store";

    private StreamsFloor() {}

    /** Readings per second from RUNNING until the committed offsets cover {@code records}. */
    static double rate(
            LocalStack stack,
            String applicationId,
            Path stateDir,
            long records,
            int threads,
            Duration timeout) {
        String topic = stack.kafka().topics().telemetry().name();
        long deadline = System.nanoTime() + timeout.toNanos();
        long running = 0;
        try (Admin admin = Admin.create(stack.kafka().adminProperties("sonde-bench-floor"));
                KafkaStreams streams =
                        new KafkaStreams(
                                topology(topic),
                                properties(stack, applicationId, stateDir, threads))) {
            streams.start();
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (running == 0 && streams.state() == KafkaStreams.State.RUNNING) {
                    running = now;
                }
                if (streams.state() == KafkaStreams.State.ERROR) {
                    throw new BenchException("the floor Streams application failed");
                }
                if (running != 0
                        && TopicAdmin.committedSum(admin, applicationId, topic) >= records) {
                    return records / ((now - running) / 1e9);
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        throw new BenchException(
                "the floor did not process " + records + " readings in " + timeout);
    }

    private static Topology topology(String topic) {
        Topology t = new Topology();
        t.addSource(
                Topology.AutoOffsetReset.EARLIEST,
                "floor-source",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                topic);
        t.addProcessor("floor-processor", Put::new, "floor-source");
        t.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(STORE),
                                Serdes.String(),
                                Serdes.ByteArray())
                        .withCachingEnabled(),
                "floor-processor");
        return t;
    }

    private static Properties properties(
            LocalStack stack, String applicationId, Path stateDir, int threads) {
        Properties p = new Properties();
        p.putAll(stack.kafka().clientProperties(applicationId));
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(
                StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                StreamConfig.DEFAULT_COMMIT_INTERVAL.toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return p;
    }

    private static final class Put implements Processor<String, byte[], Void, Void> {
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            store.put(record.key(), record.value());
        }
    }
}
