package io.sonde.platform.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads one service's configuration. Highest priority first: explicit overrides (the demo and tests
 * set ports and addresses this way), environment variables, system properties, the {@code --config
 * FILE}, then the service's defaults on the classpath at {@code SERVICE/application.yaml}. Each
 * service keeps its defaults under its own name so that the demo can run all three in one JVM.
 *
 * <p>Environment variables map to keys the Helidon way: upper case, with {@code _} for both {@code
 * .} and {@code -}: {@code SONDE_KAFKA_TOPIC_PREFIX} sets {@code sonde.kafka.topic-prefix}.
 */
public final class ServiceConfig {
    private ServiceConfig() {}

    /**
     * @param service e.g. {@code ingest-gateway}: names the classpath defaults
     * @param file a {@code --config} file, if one was given
     * @param overrides flat keys such as {@code server.port}, winning over everything
     */
    public static Config load(String service, Optional<Path> file, Map<String, String> overrides) {
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        if (!overrides.isEmpty()) {
            sources.add(ConfigSources.create(overrides).name("overrides"));
        }
        sources.add(ConfigSources::environmentVariables);
        sources.add(ConfigSources.systemProperties());
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
}
