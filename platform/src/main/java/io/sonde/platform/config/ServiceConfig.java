package io.sonde.platform.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigNode;
import io.helidon.config.spi.ConfigSource;
import io.helidon.config.spi.LazyConfigSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Loads one service's configuration (docs/configuration.md). Lowest to highest priority:
 *
 * <ol>
 *   <li>the defaults in code (every key has a named constant);
 *   <li>the service's {@code application.yaml} on the classpath, at {@code
 *       SERVICE/application.yaml} (each service keeps its defaults under its own name, so all three
 *       fit in one JVM);
 *   <li>the {@code --config FILE} of its command line;
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, the conventional variable, for {@code
 *       sonde.kafka.bootstrap-servers};
 *   <li>environment variables named after the keys: {@code SONDE_KAFKA_TOPIC_PREFIX} sets {@code
 *       sonde.kafka.topic-prefix};
 *   <li>Java system properties under {@code sonde.} and {@code server.} ({@code
 *       -Dsonde.kafka.partitions=3});
 *   <li>explicit flags: what a command sets on purpose (the demo's ports and embedded broker, a
 *       test's free port), so that an exported variable never moves them elsewhere.
 * </ol>
 */
public final class ServiceConfig {
    /** The conventional bootstrap variable; below the SONDE_ ones and any flag. */
    public static final String KAFKA_BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    /** The key {@link #KAFKA_BOOTSTRAP_ENV} sets. */
    public static final String BOOTSTRAP_KEY = "sonde.kafka.bootstrap-servers";

    private final String service;
    private Optional<Path> file = Optional.empty();
    private Map<String, String> environment = System.getenv();
    private Map<String, String> systemProperties = properties(System.getProperties());
    private Map<String, String> flags = Map.of();

    private ServiceConfig(String service) {
        this.service = service;
    }

    /**
     * Configuration of {@code service} (e.g. {@code ingest-gateway}: names the classpath defaults)
     * from the process environment and system properties, with no file and no flags yet.
     */
    public static ServiceConfig of(String service) {
        return new ServiceConfig(service);
    }

    /** The {@code --config FILE} of a command line, when {@code args} has one. */
    public ServiceConfig args(String[] args) {
        configFile(args).ifPresent(this::file);
        return this;
    }

    public ServiceConfig file(Path path) {
        this.file = Optional.of(path);
        return this;
    }

    /** Replaces the process environment, for tests. */
    public ServiceConfig environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    /** Replaces the process's system properties, for tests. */
    public ServiceConfig systemProperties(Map<String, String> properties) {
        this.systemProperties = Map.copyOf(properties);
        return this;
    }

    /** Flat keys such as {@code server.port}, winning over every other source. */
    public ServiceConfig flags(Map<String, String> values) {
        this.flags = Map.copyOf(values);
        return this;
    }

    public Config load() {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(flags).name("flags"));
        sources.add(ConfigSources.create(systemProperties).name("system properties"));
        sources.add(() -> new EnvironmentSource(environment, "environment variables"));
        String bootstrap = environment.get(KAFKA_BOOTSTRAP_ENV);
        if (bootstrap != null && !bootstrap.isBlank()) {
            sources.add(() -> new SingleKeySource(BOOTSTRAP_KEY, bootstrap));
        }
        file.ifPresent(f -> sources.add(ConfigSources.file(f)));
        sources.add(ConfigSources.classpath(service + "/application.yaml").optional());
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(sources)
                .build();
    }

    /** The {@code --config FILE} argument of a service's command line, if present. */
    public static Optional<Path> configFile(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Optional.of(Path.of(args[i + 1]));
            }
        }
        return Optional.empty();
    }

    // Only Sonde's and Helidon's server keys: the JVM's own properties (java.*, os.*) are not
    // configuration and would only clutter the tree.
    private static Map<String, String> properties(Properties props) {
        Map<String, String> copy = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("sonde.") || key.startsWith("server.")) {
                copy.put(key, props.getProperty(key));
            }
        }
        return copy;
    }

    /** One key from one environment variable ({@code KAFKA_BOOTSTRAP_SERVERS}). */
    private record SingleKeySource(String key, String value)
            implements ConfigSource, LazyConfigSource {
        @Override
        public Optional<ConfigNode> node(String requested) {
            return requested.equals(key)
                    ? Optional.of(ConfigNode.ValueNode.create(value))
                    : Optional.empty();
        }

        @Override
        public String description() {
            return KAFKA_BOOTSTRAP_ENV;
        }
    }
}
