package io.sonde.cli;

import io.sonde.client.device.WireFormat;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.simulator.SimulationReport;
import io.sonde.simulator.Simulator;
import io.sonde.simulator.SimulatorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sonde simulate}: virtual devices against an ingest gateway, then a report. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description =
                "Run virtual devices against an ingest gateway; print throughput, acks and ack"
                        + " latency.")
final class SimulateCommand implements Callable<Integer> {
    /** Device tokens outlive any run; the simulator refreshes on a 1008 anyway. */
    private static final Duration DEVICE_TOKEN_TTL = Duration.ofHours(12);

    @Option(
            names = "--url",
            defaultValue = "ws://localhost:8081/v1/ingest",
            description = "ingest WebSocket URL (default ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--devices",
            defaultValue = "10",
            description = "virtual devices (default ${DEFAULT-VALUE})")
    int devices;

    @Option(
            names = "--rate",
            defaultValue = "1",
            description = "readings per second per device (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", description = "how long to run, e.g. 60s (default: until Ctrl-C)")
    Duration duration;

    @Option(
            names = "--batch-interval",
            defaultValue = "1s",
            description = "how often each device sends a batch (default ${DEFAULT-VALUE})")
    Duration batchInterval;

    @Option(names = "--json", description = "send JSON text frames instead of protobuf")
    boolean json;

    @Option(
            names = "--prefix",
            defaultValue = "sim-",
            description = "device id prefix (default ${DEFAULT-VALUE})")
    String prefix;

    @Option(
            names = "--keys",
            defaultValue = "data/keys",
            description = "key directory for device tokens")
    Path keys;

    @Override
    public Integer call() throws Exception {
        TokenIssuer issuer = DevKeys.loadOrCreate(keys).issuer();
        SimulatorConfig options =
                SimulatorConfig.builder(url, id -> issuer.device(id, DEVICE_TOKEN_TTL))
                        .devices(devices)
                        .rate(rate)
                        .duration(duration == null ? Duration.ZERO : duration)
                        .batchInterval(batchInterval)
                        .devicePrefix(prefix)
                        .format(json ? WireFormat.JSON : WireFormat.PROTOBUF)
                        .progress(Duration.ofSeconds(5), System.out)
                        .build();
        Simulator simulator = Simulator.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            print(simulator.stop());
                            stopped.countDown();
                        },
                        "sonde-simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (duration != null) {
            simulator.awaitCompletion(duration.plusSeconds(30));
            Runtime.getRuntime().removeShutdownHook(hook);
            SimulationReport report = simulator.stop();
            print(report);
            return report.readingsAcked() > 0 ? 0 : 1;
        }
        stopped.await();
        return 0;
    }

    private static void print(SimulationReport report) {
        System.out.println(report.summary());
    }
}
