package io.sonde.platform.observability;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that it ignores the reset its own JVM shutdown hook performs. That
 * hook closes every handler while other shutdown hooks still run, so without this the lines a
 * service logs while it stops (what it drained, what did not stop in time) would be lost. Only
 * {@link LogSetup} resets it, when it installs Sonde's handler.
 *
 * <p>Installed through the {@code java.util.logging.manager} system property, which takes effect
 * only if set before anything touches java.util.logging: {@link LogSetup#configure()} does so as
 * the first call of every command.
 */
public final class ShutdownSafeLogManager extends LogManager {
    private volatile boolean resetAllowed;

    @Override
    public void reset() {
        if (resetAllowed) {
            super.reset();
        }
    }

    /** The reset {@link LogSetup} asks for. */
    void resetNow() {
        resetAllowed = true;
        try {
            super.reset();
        } finally {
            resetAllowed = false;
        }
    }
}
