package io.sonde.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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
                "[sonde] starting Kafka, stream-processor, ingest-gateway, push-gateway and "
                        + devices
                        + " devices...");
        DemoStack stack =
                DemoStack.start(
                        new DemoOptions(data, kafkaPort, 8081, 8082, 8080, 3, devices, rate));
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
        printBanner(stack);
        stopped.await();
        return 0;
    }

    private void printBanner(DemoStack stack) {
        String viewer =
                stack.issuer().viewer("demo-viewer", java.util.List.of("*"), true, VIEWER_TTL);
        int push = stack.pushPort();
        System.out.println();
        System.out.println("Sonde is running.");
        System.out.println("  Dashboard   " + stack.dashboardUri(VIEWER_TTL));
        System.out.println(
                "  Ingest      "
                        + stack.ingestUri()
                        + "   (HTTP: POST http://localhost:"
                        + stack.ingestPort()
                        + "/v1/telemetry)");
        System.out.println("  Events      http://localhost:" + push + "/v1/events?channel=devices");
        System.out.println(
                "  Health      http://localhost:"
                        + stack.streamPort()
                        + "/observe/health (each service has /observe/health and"
                        + " /observe/metrics)");
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
