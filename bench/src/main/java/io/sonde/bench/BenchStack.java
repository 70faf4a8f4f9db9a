package io.sonde.bench;

import io.helidon.config.Config;
import io.sonde.ingest.IngestGateway;
import io.sonde.kafka.embedded.EmbeddedKafka;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaSettings;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.security.DevKeys;
import io.sonde.platform.security.TokenIssuer;
import io.sonde.push.PushGateway;
import io.sonde.stream.StreamProcessor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * One embedded broker (data in a fresh directory) and the dev keys, with the Sonde services started
 * on demand, each the same code that runs alone, listening on 127.0.0.1 on a free port. Unlike
 * {@code DemoStack} a scenario starts only the services it measures, so that an idle stream
 * processor does not share the 2 cores with the ingest gateway under test.
 *
 * <p>Services returned by the {@code start...} methods are the caller's to close; {@link #close()}
 * stops the broker. Not thread-safe.
 */
public final class BenchStack implements AutoCloseable {
    private static final String PREFIX = "sonde.";
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final Path dir;
    private final int partitions;
    private final EmbeddedKafka broker;
    private final DevKeys keys;

    private BenchStack(Path dir, int partitions, EmbeddedKafka broker, DevKeys keys) {
        this.dir = dir;
        this.partitions = partitions;
        this.broker = broker;
        this.keys = keys;
    }

    /** Starts a broker in {@code dir} (which should be empty) and creates Sonde's topics. */
    public static BenchStack start(Path dir, int partitions) {
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        BenchStack stack = new BenchStack(dir, partitions, broker, keys);
        try {
            TopicProvisioner.ensure(stack.kafka(), stack.kafka().topics().all());
            return stack;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Client settings as the services get them: topic prefix {@code sonde.}, RF 1. */
    public KafkaSettings kafka() {
        return KafkaSettings.of(bootstrapServers(), PREFIX)
                .withPartitions(partitions)
                .withReplicationFactor((short) 1);
    }

    public int partitions() {
        return partitions;
    }

    /** Signs device and viewer tokens the services accept. */
    public TokenIssuer issuer() {
        return keys.issuer();
    }

    public IngestGateway startIngestGateway() {
        return IngestGateway.start(config("ingest-gateway", Map.of()));
    }

    public PushGateway startPushGateway() {
        return PushGateway.start(config(PushGateway.SERVICE, Map.of()));
    }

    /** A stream processor with its own application id (so its own group) and state directory. */
    public StreamProcessor startStreamProcessor(String applicationId) {
        return StreamProcessor.start(
                config(
                        StreamProcessor.SERVICE,
                        Map.of(
                                "sonde.stream.application-id",
                                applicationId,
                                "sonde.stream.state-dir",
                                dir.resolve("streams").resolve(applicationId).toString())));
    }

    /** Creates {@code topic} with the stack's partitions and RF 1, for a baseline tool. */
    public void createTopic(String topic) {
        try (Admin admin = Admin.create(kafka().adminProperties("sonde-bench"))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted creating topic " + topic, e);
        }
    }

    /** The sum of the end offsets of {@code topic}: its record count when written without gaps. */
    public long endOffsetSum(String topic) {
        try (Admin admin = Admin.create(kafka().adminProperties("sonde-bench"))) {
            TopicDescription d =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            d.partitions()
                    .forEach(p ->
                            latest.put(
                                    new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin
                    .listOffsets(latest)
                    .all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .mapToLong(r -> r.offset())
                    .sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot read end offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted reading offsets of " + topic, e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }

    private Config config(String service, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(extra);
        o.put("server.port", "0");
        o.put("server.host", "127.0.0.1");
        o.put("sonde.kafka.bootstrap-servers", bootstrapServers());
        o.put("sonde.kafka.topic-prefix", PREFIX);
        o.put("sonde.kafka.partitions", Integer.toString(partitions));
        o.put("sonde.kafka.replication-factor", "1");
        o.put("sonde.auth.jwks", keys.jwksFile().toString());
        return ServiceConfig.load(service, Optional.empty(), o);
    }
}
