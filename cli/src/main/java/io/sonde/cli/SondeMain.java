package io.sonde.cli;

import io.sonde.platform.observability.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sonde} command (docs/operations.md). The {@code ./sonde} script picks a JDK and builds
 * first.
 */
@Command(
        name = "sonde",
        mixinStandardHelpOptions = true,
        version = "sonde 0.1.0",
        description = "Kafka-native streaming telemetry.",
        subcommands = {
            DemoCommand.class,
            io.sonde.cli.cluster.ClusterCommand.class,
            io.sonde.cli.chaos.ChaosCommand.class,
            TokenCommand.class,
            SimulateCommand.class,
            ServiceCommands.IngestGatewayCommand.class,
            ServiceCommands.StreamProcessorCommand.class,
            ServiceCommands.PushGatewayCommand.class,
        })
public final class SondeMain implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LogSetup.configure();
        int code = commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The parser with Sonde's converters, for main and for tests. */
    static CommandLine commandLine() {
        return new CommandLine(new SondeMain())
                .registerConverter(java.time.Duration.class, new DurationConverter());
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
