package io.sonde.platform.observability;

import io.helidon.webserver.accesslog.AccessLogFeature;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Process-wide logging: one JSON object per line when {@code SONDE_LOG_FORMAT=json}, readable lines
 * otherwise. Kafka's and Helidon's chatty loggers are held at WARNING, except Helidon's access log
 * (one line per request, at INFO). SLF4J (used by Kafka) is bridged into java.util.logging, so one
 * handler writes everything.
 */
public final class LogSetup {
    /** Environment variable choosing the log format: {@code json} or {@code text}. */
    public static final String FORMAT_ENV = "SONDE_LOG_FORMAT";

    private static final String[] QUIET = {
        "org.apache.kafka", "kafka", "org.apache.zookeeper", "io.helidon", "state.change.logger"
    };

    // java.util.logging holds loggers weakly: without these references the levels set below
    // would vanish with the next garbage collection.
    private static final List<Logger> CONFIGURED = new CopyOnWriteArrayList<>();

    private LogSetup() {}

    /**
     * Replaces the root handlers; call once at process start, before anything logs, so that the
     * shutdown-safe log manager can be installed.
     */
    public static void configure() {
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        String format = System.getenv(FORMAT_ENV);
        Formatter formatter =
                format != null && format.toLowerCase(Locale.ROOT).equals("json")
                        ? new JsonLogFormatter()
                        : new TextLogFormatter();
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof ShutdownSafeLogManager safe) {
            safe.resetNow();
        } else {
            // java.util.logging was in use before this call (a test JVM): reset as usual.
            manager.reset();
        }
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        handler.setFormatter(formatter);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        for (String name : QUIET) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            CONFIGURED.add(logger);
        }
        // The access log is Helidon's, but not chatter: one line per request, at INFO.
        Logger access = Logger.getLogger(AccessLogFeature.DEFAULT_LOGGER_NAME);
        access.setLevel(Level.INFO);
        CONFIGURED.add(access);
    }
}
