package io.sonde.stream;

import io.helidon.webserver.http.HttpRouting;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.observability.LogSetup;
import io.sonde.platform.observability.ObserveService;
import java.util.Map;

/** Runs the stream processor alone: {@code sonde stream-processor [--config FILE]}. */
public final class StreamProcessorMain {
    private StreamProcessorMain() {}

    public static void main(String[] args) {
        LogSetup.configure();
        StreamProcessor processor =
                StreamProcessor.start(
                        ServiceConfig.load(
                                StreamProcessor.SERVICE, ServiceConfig.configFile(args), Map.of()));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(processor::close, "stream-processor-shutdown"));
    }

    /** The HTTP routes of the stream processor; tests reuse this seam. */
    static void routing(HttpRouting.Builder routing, ObserveService observe) {
        routing.register(ObserveService.PATH, observe);
    }
}
