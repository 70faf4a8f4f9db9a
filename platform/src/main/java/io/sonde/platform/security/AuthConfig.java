package io.sonde.platform.security;

import io.helidon.config.Config;
import java.util.Optional;

/**
 * Where verification keys come from: the {@code sonde.auth} node. Exactly one of {@code jwks} (a
 * JWKS file path or an http(s) URL) and {@code public-key-pem} (a PEM file) is expected; {@code
 * jwks} wins when both are set.
 *
 * @param jwks JWKS file path or URL
 * @param publicKeyPem path of a PEM-encoded EC or RSA public key
 */
public record AuthConfig(Optional<String> jwks, Optional<String> publicKeyPem) {
    /** Default JWKS location: the one the demo writes. */
    public static final String DEFAULT_JWKS = "data/keys/jwks.json";

    public static AuthConfig create(Config auth) {
        Optional<String> jwks = auth.get("jwks").asString().asOptional();
        Optional<String> pem = auth.get("public-key-pem").asString().asOptional();
        if (jwks.isEmpty() && pem.isEmpty()) {
            jwks = Optional.of(DEFAULT_JWKS);
        }
        return new AuthConfig(jwks, pem);
    }

    public static AuthConfig ofJwks(String jwks) {
        return new AuthConfig(Optional.of(jwks), Optional.empty());
    }
}
