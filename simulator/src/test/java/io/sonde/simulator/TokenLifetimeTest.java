package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.sonde.devtools.TokenIssuer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenLifetimeTest {
    @Test
    void refreshesAtEightyPercentOfTheRemainingLife() throws Exception {
        TokenIssuer issuer = new TokenIssuer(new ECKeyGenerator(Curve.P_256).keyID("k").generate());
        String token = issuer.device("sim-1", Duration.ofMinutes(15));

        Duration delay = TokenLifetime.refreshDelay(token, Instant.now()).orElseThrow();

        assertThat(delay).isBetween(Duration.ofSeconds(715), Duration.ofSeconds(720));
    }

    @Test
    void anAlmostExpiredTokenIsRefreshedAfterOneSecond() throws Exception {
        TokenIssuer issuer = new TokenIssuer(new ECKeyGenerator(Curve.P_256).keyID("k").generate());
        String token = issuer.device("sim-1", Duration.ofMillis(500));

        assertThat(TokenLifetime.refreshDelay(token, Instant.now()))
                .contains(Duration.ofSeconds(1));
    }

    @Test
    void aTokenThatIsNotAJwtIsNeverRefreshed() {
        assertThat(TokenLifetime.refreshDelay("sim-1#1", Instant.now())).isEmpty();
    }
}
