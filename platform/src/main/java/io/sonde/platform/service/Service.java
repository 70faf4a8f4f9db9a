package io.sonde.platform.service;

import io.helidon.webserver.WebServer;
import io.sonde.platform.health.Health;
import io.sonde.platform.health.HealthReport;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running Sonde service, as {@link ServiceBuilder} assembled it: its HTTP server, its health and
 * the parts behind them.
 *
 * <p>{@link #close()} stops the parts in reverse order of start, each within its own timeout, and
 * does so exactly once however many callers (a test, Ctrl-C, SIGTERM) ask; every caller returns
 * once the service has stopped. Readiness reports {@code stopping} from the moment close begins.
 */
public final class Service implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Service.class.getName());

    private final String name;
    private final WebServer server;
    private final Health health;
    private final StopSequence stops;
    private final AtomicBoolean closing;
    private final CountDownLatch closed = new CountDownLatch(1);

    Service(
            String name,
            WebServer server,
            Health health,
            StopSequence stops,
            AtomicBoolean closing) {
        this.name = name;
        this.server = server;
        this.health = health;
        this.stops = stops;
        this.closing = closing;
    }

    public String name() {
        return name;
    }

    /** The HTTP port it listens on; the chosen one when configured as 0. */
    public int port() {
        return server.port();
    }

    /** Readiness now: every readiness check evaluated. */
    public HealthReport readiness() {
        return health.readiness();
    }

    /** Liveness now. */
    public HealthReport liveness() {
        return health.liveness();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        LOG.log(Level.INFO, "{0} stopping", name);
        try {
            stops.run();
        } finally {
            closed.countDown();
        }
        LOG.log(Level.INFO, "{0} stopped", name);
    }

    private void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
