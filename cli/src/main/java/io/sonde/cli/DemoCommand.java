package io.sonde.cli;

import io.sonde.platform.service.ReadinessWait;
import io.sonde.platform.service.ServiceStartException;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sonde demo}: the whole platform on an embedded Kafka, with simulated devices. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run Kafka, the three services and simulated devices in one process.")
final class DemoCommand implements Callable<Integer> {
    private static final Duration VIEWER_TTL = Duration.ofHours(12);

    @Option(names = "--fresh", description = "wipe ./data first (topics, keys, state)")
    boolean fresh;

    @Option(
            names = "--devices",
            defaultValue = "10",
            description = "simulated devices (default ${DEFAULT-VALUE})")
    int devices;

    @Option(
            names = "--rate",
            defaultValue = "1",
            description = "readings per second per device (default ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--data",
            defaultValue = "data",
            description = "data directory (default ./${DEFAULT-VALUE})")
    Path data;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "broker port (default ${DEFAULT-VALUE})")
    int kafkaPort;

    @Override
    public Integer call() throws Exception {
        if (fresh) {
            wipe(data);
        }
        System.out.println(
                "[sonde] starting Kafka, stream-processor, ingest-gateway and push-gateway...");
        LocalStack stack;
        try {
            stack =
                    LocalStack.start(
                            demoRules(StackConfig.builder(data).documentedPorts().partitions(3))
                                    .build());
        } catch (RuntimeException e) {
            System.err.println("[sonde] Kafka did not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    System.out.println("\n[sonde] stopping...");
                                    stack.close();
                                    System.out.println("[sonde] stopped");
                                    stopped.countDown();
                                },
                                "sonde-demo-stop"));
        try {
            stack.startServices();
        } catch (ServiceStartException e) {
            System.err.println("[sonde] " + e.getMessage());
            return 1;
        }
        // The banner promises a working platform: wait until every service says it is ready.
        ReadinessWait.await(stack.services(), ReadinessWait.REPORT_EVERY, System.out);
        if (devices > 0) {
            stack.startSimulator(devices, rate);
        }
        printBanner(stack);
        stopped.await();
        return 0;
    }

    /**
     * Alert rules the simulated devices trip now and then (their temperature peaks once per
     * 10-minute simulated day), so that the demo's alert feed is not empty. Written at start only
     * where the rules topic has no record of the id: a rule deleted in the dashboard stays deleted.
     */
    private static StackConfig.Builder demoRules(StackConfig.Builder config) {
        String[][] rules = {
            {
                "id",
                "temp-high",
                "metric",
                "temperature",
                "op",
                ">",
                "threshold",
                "28",
                "clearThreshold",
                "27",
                "forSeconds",
                "15",
                "severity",
                "warning"
            },
            {
                "id",
                "signal-weak",
                "metric",
                "rssi",
                "op",
                "<",
                "threshold",
                "-82",
                "clearThreshold",
                "-78",
                "forSeconds",
                "5",
                "severity",
                "minor"
            },
            {"id", "silent", "kind", "absence", "afterSeconds", "60", "severity", "major"},
        };
        for (int i = 0; i < rules.length; i++) {
            for (int f = 0; f < rules[i].length; f += 2) {
                config.streamSetting(
                        "sonde.stream.rules." + i + "." + rules[i][f], rules[i][f + 1]);
            }
        }
        return config;
    }

    private void printBanner(LocalStack stack) {
        String viewer = stack.issuer().viewer("demo-viewer", List.of("*"), true, VIEWER_TTL);
        int push = stack.push().port();
        System.out.println();
        System.out.println("Sonde is running.");
        System.out.println("  Dashboard   " + stack.dashboardUri(VIEWER_TTL));
        System.out.println(
                "  Ingest      "
                        + stack.ingestUri()
                        + "   (HTTP: POST http://localhost:"
                        + stack.ingest().port()
                        + "/v1/telemetry)");
        System.out.println("  Events      http://localhost:" + push + "/v1/events?channel=devices");
        System.out.println(
                "  Health      http://localhost:"
                        + stack.ingest().port()
                        + ", :"
                        + stack.stream().port()
                        + ", :"
                        + push
                        + " /observe/health (and /observe/metrics)");
        System.out.println(
                "  Kafka       "
                        + stack.bootstrapServers()
                        + "   (data in "
                        + data.toAbsolutePath().normalize()
                        + ")");
        System.out.println("  Devices     " + devices + " simulated, " + rate + " reading/s each");
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -N -H \"Authorization: Bearer " + viewer + "\" \\");
        System.out.println(
                "       \"http://localhost:" + push + "/v1/events?channel=telemetry:sim-1\"");
        System.out.println(
                "  ./sonde token device my-device     # a device token for your own client");
        System.out.println();
        System.out.println("Ctrl-C stops everything.");
    }

    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        System.out.println("[sonde] wiped " + dir.toAbsolutePath().normalize());
    }
}
