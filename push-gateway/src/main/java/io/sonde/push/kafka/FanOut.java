package io.sonde.push.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topics;
import io.sonde.push.hub.Hub;
import java.util.List;

/**
 * The gateway's Kafka side: one fan-out consumer per topic it serves, publishing into the hub.
 * {@code telemetry} and {@code aggregates} start at the end (live only; their snapshot caches fill
 * as records arrive); {@code device-state}, a compacted topic, is read from the beginning so that
 * the {@code devices} snapshot holds every known device.
 */
public final class FanOut implements AutoCloseable {
    /** Log names inside cursors; independent of the deployment's topic prefix. */
    public static final String TELEMETRY_LOG = "telemetry";

    public static final String AGGREGATES_LOG = "aggregates";
    public static final String DEVICE_STATE_LOG = "device-state";

    private final List<FanOutConsumer<?>> consumers;
    private final FanOutConsumer<?> deviceState;

    private FanOut(List<FanOutConsumer<?>> consumers, FanOutConsumer<?> deviceState) {
        this.consumers = consumers;
        this.deviceState = deviceState;
    }

    /** Creates and starts the consumers; they run until {@link #close()}. */
    public static FanOut start(KafkaConfig kafka, Hub hub, MeterRegistry meters) {
        Topics topics = kafka.topics();
        HubPublisher publisher = new HubPublisher(hub);
        FanOutConsumer<?> telemetry =
                new FanOutConsumer<>(
                        kafka,
                        topics.telemetry(),
                        TELEMETRY_LOG,
                        FanOutConsumer.Start.LATEST,
                        publisher::telemetry,
                        meters);
        FanOutConsumer<?> aggregates =
                new FanOutConsumer<>(
                        kafka,
                        topics.aggregates(),
                        AGGREGATES_LOG,
                        FanOutConsumer.Start.LATEST,
                        publisher::aggregate,
                        meters);
        FanOutConsumer<?> devices =
                new FanOutConsumer<>(
                        kafka,
                        topics.deviceState(),
                        DEVICE_STATE_LOG,
                        FanOutConsumer.Start.EARLIEST,
                        publisher::deviceState,
                        meters);
        FanOut fanOut = new FanOut(List.of(telemetry, aggregates, devices), devices);
        fanOut.consumers.forEach(FanOutConsumer::start);
        return fanOut;
    }

    /** Every consumer is polling without errors. */
    public boolean healthy() {
        return consumers.stream().allMatch(FanOutConsumer::healthy);
    }

    /** The device-state cache has read everything present at start: snapshots are complete. */
    public boolean deviceStateLoaded() {
        return deviceState.caughtUp();
    }

    @Override
    public void close() {
        consumers.forEach(FanOutConsumer::close);
    }
}
