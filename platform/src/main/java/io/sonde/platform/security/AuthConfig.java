package io.sonde.platform.security;

import io.helidon.config.Config;
import io.sonde.platform.config.DurationText;
import java.time.Duration;
import java.util.Optional;

/**
 * Where verification keys come from: the {@code sonde.auth} node. Exactly one of {@code jwks} (a
 * JWKS file path or an http(s) URL) and {@code public-key-pem} (a PEM file) is expected; {@code
 * jwks} wins when both are set.
 *
 * @param jwks JWKS file path or URL
 * @param publicKeyPem path of a PEM-encoded EC or RSA public key
 * @param maxTokenLifetime longest {@code exp - iat} accepted (from now when there is no {@code
 *     iat})
 * @param clockSkew how far the issuer's clock may be off for {@code exp}, {@code nbf} and {@code
 *     iat}
 */
public record AuthConfig(
        Optional<String> jwks,
        Optional<String> publicKeyPem,
        Duration maxTokenLifetime,
        Duration clockSkew) {
    /** Default JWKS location: the one the demo writes. */
    public static final String DEFAULT_JWKS = "data/keys/jwks.json";

    public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    public static AuthConfig create(Config auth) {
        Optional<String> jwks = auth.get("jwks").asString().asOptional();
        Optional<String> pem = auth.get("public-key-pem").asString().asOptional();
        if (jwks.isEmpty() && pem.isEmpty()) {
            jwks = Optional.of(DEFAULT_JWKS);
        }
        return new AuthConfig(
                jwks,
                pem,
                DurationText.get(auth.get("max-token-lifetime"), DEFAULT_MAX_TOKEN_LIFETIME),
                DurationText.get(auth.get("clock-skew"), DEFAULT_CLOCK_SKEW));
    }

    public static AuthConfig ofJwks(String jwks) {
        return new AuthConfig(
                Optional.of(jwks),
                Optional.empty(),
                DEFAULT_MAX_TOKEN_LIFETIME,
                DEFAULT_CLOCK_SKEW);
    }
}
