package io.sonde.platform.config;

import io.helidon.config.spi.ConfigNode;
import io.helidon.config.spi.ConfigSource;
import io.helidon.config.spi.LazyConfigSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Environment variables as a config source: the key {@code sonde.ingest.max-readings-per-batch} is
 * found as {@code SONDE_INGEST_MAX_READINGS_PER_BATCH} (upper case, {@code _} for both {@code .}
 * and {@code -}), the convention of container platforms. Helidon's own source wants {@code _dash_}
 * for a dash, which nobody writes; this one also reads a given map, so that tests state their
 * environment instead of inheriting the developer's.
 *
 * <p>Lazy: it answers keys that are asked for, so a whole subtree read as a map (the verbatim Kafka
 * client settings) does not see environment variables.
 */
final class EnvironmentSource implements ConfigSource, LazyConfigSource {
    private final Map<String, String> environment;
    private final String description;

    EnvironmentSource(Map<String, String> environment, String description) {
        this.environment = Map.copyOf(environment);
        this.description = description;
    }

    @Override
    public Optional<ConfigNode> node(String key) {
        return Optional.ofNullable(environment.get(variableName(key)))
                .map(ConfigNode.ValueNode::create);
    }

    /** The variable that sets {@code key}: {@code server.port} is {@code SERVER_PORT}. */
    static String variableName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String description() {
        return description;
    }
}
