package io.sonde.simulator;

import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/** Reads a token's expiry so a device can refresh it in time. The signature is not checked. */
final class TokenLifetime {
    // Refresh at 80 % of the token's remaining life: early enough to survive a slow gateway.
    private static final double REFRESH_AT = 0.8;
    private static final Duration MIN_REFRESH_DELAY = Duration.ofSeconds(1);

    private TokenLifetime() {}

    /** When to send a TokenRefresh for {@code token}; empty if it does not expire. */
    static Optional<Duration> refreshDelay(String token, Instant now) {
        return expiry(token)
                .map(exp -> Duration.between(now, exp))
                .map(left -> left.multipliedBy((long) (REFRESH_AT * 100)).dividedBy(100))
                .map(delay -> delay.compareTo(MIN_REFRESH_DELAY) < 0 ? MIN_REFRESH_DELAY : delay);
    }

    /** The {@code exp} claim, or empty if the token is not a JWT or has none. */
    static Optional<Instant> expiry(String token) {
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            return Optional.ofNullable(exp).map(Date::toInstant);
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
