package io.sonde.cli;

import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sonde token device ID | viewer}: prints a JWT signed with the local dev key. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Print a device or viewer JWT signed with the local dev key (./data/keys).",
        subcommands = {TokenCommand.Device.class, TokenCommand.Viewer.class})
final class TokenCommand implements Runnable {
    static final Path DEFAULT_KEYS = Path.of("data", "keys");

    @Override
    public void run() {
        System.err.println("say which token: 'sonde token device ID' or 'sonde token viewer'");
    }

    @Command(
            name = "device",
            mixinStandardHelpOptions = true,
            description = "A token for one device.")
    static final class Device implements Runnable {
        @Parameters(index = "0", paramLabel = "ID", description = "device id (the token's sub)")
        String id;

        @Option(
                names = "--ttl",
                defaultValue = "15m",
                description = "lifetime, e.g. 15m (default ${DEFAULT-VALUE})")
        Duration ttl;

        @Option(names = "--keys", defaultValue = "data/keys", description = "key directory")
        Path keys;

        @Override
        public void run() {
            TokenIssuer issuer = DevKeys.loadOrCreate(keys).issuer();
            System.out.println(issuer.device(id, ttl));
        }
    }

    @Command(
            name = "viewer",
            mixinStandardHelpOptions = true,
            description = "A token for a dashboard or program.")
    static final class Viewer implements Runnable {
        @Option(
                names = "--channels",
                defaultValue = "*",
                description = "comma-separated channel patterns (default ${DEFAULT-VALUE})")
        String channels;

        @Option(names = "--admin", description = "may change alert rules")
        boolean admin;

        @Option(
                names = "--ttl",
                defaultValue = "1h",
                description = "lifetime, e.g. 1h (default ${DEFAULT-VALUE})")
        Duration ttl;

        @Option(names = "--keys", defaultValue = "data/keys", description = "key directory")
        Path keys;

        @Override
        public void run() {
            TokenIssuer issuer = DevKeys.loadOrCreate(keys).issuer();
            List<String> patterns =
                    Arrays.stream(channels.split(","))
                            .map(String::trim)
                            .filter(s -> !s.isEmpty())
                            .toList();
            System.out.println(issuer.viewer("viewer", patterns, admin, ttl));
        }
    }
}
