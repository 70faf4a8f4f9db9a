package io.sonde.push;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.observability.LogSetup;
import io.sonde.platform.observability.ObserveService;
import io.sonde.push.transport.DevicesHttpService;
import io.sonde.push.transport.EventsHttpService;
import java.util.Map;

/** Runs the push gateway on its own: {@code ./sonde push-gateway [--config FILE]}. */
public final class PushGatewayMain {
    /** Classpath folder of the dashboard (module {@code sonde-dashboard}). */
    static final String DASHBOARD_LOCATION = "sonde-dashboard";

    /** Where uPlot is served from, and where it lies in its webjar. */
    static final String UPLOT_PATH = "/vendor/uplot";

    static final String UPLOT_LOCATION = "META-INF/resources/webjars/uplot/1.6.30/dist";

    private PushGatewayMain() {}

    public static void main(String[] args) {
        LogSetup.configure();
        PushGateway gateway =
                PushGateway.start(
                        ServiceConfig.load(
                                PushGateway.SERVICE, ServiceConfig.configFile(args), Map.of()));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(gateway::close));
    }

    /**
     * Every route of the gateway: the API first, then the dashboard, whose static handler passes on
     * what it does not hold (ending in a 404).
     */
    static void routing(
            HttpRouting.Builder routing,
            ObserveService observe,
            EventsHttpService events,
            DevicesHttpService devices) {
        routing.register(ObserveService.PATH, observe)
                .register(EventsHttpService.PATH, events)
                .register(DevicesHttpService.PATH, devices)
                .register(UPLOT_PATH, StaticContentFeature.createService(classpath(UPLOT_LOCATION)))
                .register("/", StaticContentFeature.createService(dashboard()));
    }

    private static ClasspathHandlerConfig dashboard() {
        return ClasspathHandlerConfig.builder()
                .location(DASHBOARD_LOCATION)
                .welcome("index.html")
                .build();
    }

    private static ClasspathHandlerConfig classpath(String location) {
        return ClasspathHandlerConfig.builder().location(location).build();
    }
}
