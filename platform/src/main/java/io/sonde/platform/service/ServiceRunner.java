package io.sonde.platform.service;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.observability.LogSetup;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one service as its own process ({@code sonde ingest-gateway}, a container): loads its
 * configuration, starts it, prints one line when it is ready, and closes it once on SIGTERM or
 * Ctrl-C. The service then runs on its own (non-daemon) server threads.
 */
public final class ServiceRunner {
    private ServiceRunner() {}

    /**
     * The whole {@code main} of a service process: logging first, then {@link #run}; exits with
     * status 1 when the service could not start.
     */
    public static void main(String service, String[] args, Function<Config, Service> start) {
        LogSetup.configure();
        int code = run(service, args, start);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * @param service the service's name, which also names its classpath defaults
     * @param args its command line ({@code --config FILE})
     * @param start builds the service from its configuration root
     * @return the process exit code: 0 once the service is ready, 1 when it could not start
     */
    public static int run(String service, String[] args, Function<Config, Service> start) {
        Service running;
        try {
            running = start.apply(ServiceConfig.of(service).args(args).load());
        } catch (ServiceStartException | ConfigException e) {
            String reason = String.valueOf(e.getMessage());
            // Start failures already name the service: "ingest-gateway: starting producer ...".
            if (reason.startsWith(service + ": ")) {
                reason = reason.substring(service.length() + 2);
            }
            System.err.println("[sonde] " + service + " did not start: " + reason);
            return 1;
        }
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform()
                                .name("sonde-" + service + "-shutdown")
                                .unstarted(running::close));
        try {
            ReadinessWait.await(List.of(running), ReadinessWait.REPORT_EVERY, System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        System.out.println("[sonde] " + service + " ready on port " + running.port());
        return 0;
    }
}
