package io.sonde.bench;

import io.sonde.bench.alerts.AlertsScenario;
import io.sonde.bench.connections.ConnectionsScenario;
import io.sonde.bench.fanout.FanoutScenario;
import io.sonde.bench.ingest.IngestScenario;
import io.sonde.bench.latency.LatencyScenario;
import io.sonde.bench.resume.ResumeScenario;
import io.sonde.bench.streams.StreamsScenario;
import io.sonde.platform.config.DurationText;
import io.sonde.platform.observability.LogSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./sonde bench NAME [options]}: runs one scenario and writes {@code bench/results/NAME.md}.
 * Every scenario is listed once in {@link #scenarios()}.
 */
@Command(
        name = "sonde bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: open-loop load, same-run baselines, results in bench/results.")
public final class BenchMain implements Runnable {
    private static final int TOP_FRAMES = 15;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Every scenario, one line each; the command name comes from its {@code @Command}. */
    static List<Scenario> scenarios() {
        return List.of(
                new IngestScenario(),
                new StreamsScenario(),
                new AlertsScenario(),
                new LatencyScenario(),
                new ConnectionsScenario(),
                new FanoutScenario(),
                new ResumeScenario());
    }

    public static void main(String[] args) {
        LogSetup.configure();
        int code = commandLine().execute(args);
        // Kafka and Helidon leave non-daemon threads behind in some failure paths: end for sure.
        System.exit(code);
    }

    /** The parser with every scenario as a subcommand and the bench's converters. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BenchMain());
        for (Scenario s : scenarios()) {
            cl.addSubcommand(s);
        }
        // Registered after the subcommands: picocli hands converters only to those present.
        cl.registerConverter(Duration.class, BenchMain::duration);
        return cl.setExecutionStrategy(BenchMain::execute);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static int execute(ParseResult parsed) {
        ParseResult sub = parsed.subcommand();
        if (sub == null || CommandLine.printHelpIfRequested(parsed)) {
            return new CommandLine.RunLast().execute(parsed);
        }
        Scenario scenario = (Scenario) sub.commandSpec().userObject();
        String name = sub.commandSpec().name();
        String command = "./sonde bench " + String.join(" ", sub.originalArgs());
        try {
            runScenario(scenario, name, command);
            return 0;
        } catch (Exception e) {
            System.err.println("[bench] " + name + " failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static void runScenario(Scenario scenario, String name, String command)
            throws Exception {
        BenchOptions options = scenario.options();
        BenchReport report =
                new BenchReport(
                        name,
                        command,
                        options.resultsDir(),
                        MachineInfo.current(),
                        MachineInfo.loadAverage());
        Path jfr = options.workDir().resolve(name + ".jfr");
        FlightRecording recording = options.jfr() ? FlightRecording.start(jfr) : null;
        try {
            scenario.run(report);
        } finally {
            if (recording != null) {
                recording.close();
            }
        }
        if (recording != null) {
            report.profile(jfr, TOP_FRAMES);
        }
        Path file = report.write(MachineInfo.loadAverage());
        System.out.println("[bench] " + name + " results: " + file.toAbsolutePath());
    }

    private static Duration duration(String value) {
        try {
            return DurationText.parse(value.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
