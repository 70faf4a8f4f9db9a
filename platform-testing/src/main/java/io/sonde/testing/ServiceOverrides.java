package io.sonde.testing;

import io.sonde.platform.kafka.KafkaConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Config overrides that point a service at a test's broker, topics, keys and a free port. */
public final class ServiceOverrides {
    private ServiceOverrides() {}

    /** {@code server.port=0} on loopback, the test's Kafka and topic prefix, the test JWKS. */
    public static Map<String, String> of(KafkaConfig kafka, Path jwks) {
        Map<String, String> o = new HashMap<>();
        o.put("server.port", "0");
        o.put("server.host", "127.0.0.1");
        o.put("sonde.kafka.bootstrap-servers", kafka.bootstrapServers());
        o.put("sonde.kafka.topic-prefix", kafka.topicPrefix());
        o.put("sonde.kafka.partitions", Integer.toString(kafka.partitions()));
        o.put("sonde.kafka.replication-factor", Short.toString(kafka.replicationFactor()));
        o.put("sonde.auth.jwks", jwks.toString());
        return o;
    }
}
