package io.sonde.testing;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

/**
 * Reads every log record of the test JVM, as formatted (message, parameters, stack), for anything
 * shaped like a JWT: no Sonde service may log a token, and the tests that use the shared broker
 * fail when one did ({@link SharedKafka}). Only the first leak is kept, with the token cut out, so
 * that the report does not repeat it.
 */
final class TokenLogWatch extends Handler {
    // A compact JWS: base64url header and payload that both start with '{"' ("eyJ"), and a
    // signature.
    private static final Pattern JWT =
            Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");
    private static final TokenLogWatch INSTANCE = new TokenLogWatch();

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final AtomicReference<String> first = new AtomicReference<>();

    private TokenLogWatch() {}

    /** Watches the root logger from now on; again after a reset of its handlers. */
    static synchronized void install() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            if (h == INSTANCE) {
                return;
            }
        }
        root.addHandler(INSTANCE);
    }

    /** The first log line that held a token, the token replaced by {@code <jwt>}. */
    static Optional<String> firstLeak() {
        return Optional.ofNullable(INSTANCE.first.get());
    }

    /** Whether {@code text} holds something shaped like a JWT. */
    static boolean holdsToken(String text) {
        return JWT.matcher(text).find();
    }

    @Override
    public void publish(LogRecord record) {
        if (first.get() != null) {
            return;
        }
        String line = formatter.format(record);
        if (holdsToken(line)) {
            first.compareAndSet(
                    null, record.getLoggerName() + ": " + JWT.matcher(line).replaceAll("<jwt>"));
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
