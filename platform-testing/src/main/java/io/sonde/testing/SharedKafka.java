package io.sonde.testing;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one real Kafka broker per test JVM, shared by every test class that uses it, and
 * a fresh topic prefix per test so that tests never see each other's records.
 *
 * <p>Which broker: {@code KAFKA_BOOTSTRAP_SERVERS} when set (an external cluster); else
 * Testcontainers' Kafka when {@code SONDE_TEST_KAFKA=testcontainers} and Docker is available; else
 * a real in-process KRaft broker. Test methods ask for a {@link KafkaConfig} parameter (3
 * partitions, replication 1, a unique prefix), and for a {@link BrokerControl} to stop the broker.
 *
 * <p>Every test class using it also fails when anything shaped like a JWT was logged in the test
 * JVM by then ({@link TokenLogWatch}): services must never log a token.
 */
public final class SharedKafka implements ParameterResolver, AfterAllCallback {
    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(SharedKafka.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaConfig.class || type == BrokerControl.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestBroker broker =
                context.getRoot()
                        .getStore(NS)
                        .computeIfAbsent(
                                TestBroker.class, k -> TestBroker.start(), TestBroker.class);
        // After the broker's start: it sets up logging, which replaces the root handlers.
        TokenLogWatch.install();
        if (parameter.getParameter().getType() == BrokerControl.class) {
            return broker.control()
                    .orElseGet(() -> {
                        Assumptions.abort("the test broker is external: it cannot be stopped");
                        return null;
                    });
        }
        return KafkaConfig.of(broker.bootstrapServers(), uniquePrefix(), 3, (short) 1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TokenLogWatch.firstLeak()
                .ifPresent(line -> {
                    throw new AssertionError("a token was logged: " + line);
                });
    }

    /** A topic prefix no other test in any run on this cluster uses. */
    public static String uniquePrefix() {
        return "t"
                + SEQUENCE.incrementAndGet()
                + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24))
                + ".";
    }
}
