package io.sonde.cli;

import io.sonde.ingest.IngestGatewayMain;
import io.sonde.push.PushGatewayMain;
import io.sonde.stream.StreamProcessorMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sonde ingest-gateway|stream-processor|push-gateway [--config FILE]}: one service against
 * an external Kafka ({@code KAFKA_BOOTSTRAP_SERVERS}), as deployed at scale. Each prints a line
 * once ready; the process then runs until SIGTERM or Ctrl-C.
 */
final class ServiceCommands {
    private ServiceCommands() {}

    abstract static class ServiceCommand implements Callable<Integer> {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "YAML config overriding the defaults")
        Path config;

        String[] args() {
            List<String> args = new ArrayList<>();
            if (config != null) {
                args.add("--config");
                args.add(config.toString());
            }
            return args.toArray(String[]::new);
        }
    }

    @Command(
            name = "ingest-gateway",
            mixinStandardHelpOptions = true,
            description = "Run the ingest gateway (port 8081).")
    static final class IngestGatewayCommand extends ServiceCommand {
        @Override
        public Integer call() {
            return IngestGatewayMain.run(args());
        }
    }

    @Command(
            name = "stream-processor",
            mixinStandardHelpOptions = true,
            description = "Run the stream processor (port 8082).")
    static final class StreamProcessorCommand extends ServiceCommand {
        @Override
        public Integer call() {
            return StreamProcessorMain.run(args());
        }
    }

    @Command(
            name = "push-gateway",
            mixinStandardHelpOptions = true,
            description = "Run the push gateway and dashboard (port 8080).")
    static final class PushGatewayCommand extends ServiceCommand {
        @Override
        public Integer call() {
            return PushGatewayMain.run(args());
        }
    }
}
