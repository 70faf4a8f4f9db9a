package io.sonde.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class TokenLogWatchTest {
    // A compact JWS of {"alg":"ES256","kid":"k"} . {"sub":"dev-1","aud":"sonde-ingest"} . sig.
    private static final String JWT =
            "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ"
                    + ".eyJzdWIiOiJkZXYtMSIsImF1ZCI6InNvbmRlLWluZ2VzdCJ9"
                    + ".c2lnbmF0dXJlLWJ5dGVz";

    @Test
    void aTokenAnywhereInALineIsFoundAndNotRepeated() {
        assertThat(TokenLogWatch.holdsToken("GET /v1/events?access_token=" + JWT)).isTrue();
        assertThat(TokenLogWatch.holdsToken("Bearer eyJ... refused: expired")).isFalse();
        assertThat(TokenLogWatch.holdsToken("eyJhbGciOiJFUzI1NiJ9 alone")).isFalse();

        LogRecord clean = new LogRecord(Level.INFO, "refused a token: {0}");
        clean.setParameters(new Object[] {"expired"});
        clean.setLoggerName("io.sonde.quiet");
        TokenLogWatch.install();
        java.util.logging.Logger.getLogger("io.sonde.quiet").log(clean);
        assertThat(TokenLogWatch.firstLeak()).isEmpty();

        LogRecord leak = new LogRecord(Level.WARNING, "bad frame from {0}");
        leak.setParameters(new Object[] {JWT});
        leak.setLoggerName("io.sonde.leaky");
        java.util.logging.Logger.getLogger("io.sonde.leaky").log(leak);

        assertThat(TokenLogWatch.firstLeak())
                .hasValueSatisfying(line -> {
                    assertThat(line).startsWith("io.sonde.leaky: ").contains("<jwt>");
                    assertThat(line).doesNotContain(JWT);
                });
    }
}
