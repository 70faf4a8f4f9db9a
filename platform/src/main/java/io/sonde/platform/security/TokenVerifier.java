package io.sonde.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies Sonde JWTs (docs/authentication.md): signature by ES256/384/512 or RS256/384/512 only
 * (never {@code none}, never HMAC; {@link KeySelector}), {@code exp} required and in the future,
 * {@code nbf} and {@code iat} (when present) not in the future, all within the clock skew, a
 * lifetime ({@code exp - iat}) within the maximum, {@code sub} required and not blank (for device
 * tokens a {@link #DEVICE_ID}: it becomes a Kafka key and a channel name), {@code aud} containing
 * the expected audience. Thread-safe; one instance per service.
 *
 * <p>A token that passed is remembered, for its audience, until it expires but at most {@link
 * #MAX_REMEMBERED_FOR} (so a key withdrawn from the JWKS stops counting within that time), and for
 * at most {@link #MAX_REMEMBERED} tokens: the same token presented again (a client reconnecting, a
 * thousand dashboards resuming after a restart) costs a map lookup instead of a signature check,
 * which otherwise took most of a gateway's CPU in such a storm. Tokens that failed are not
 * remembered.
 */
public final class TokenVerifier {
    /** Audience of device tokens. */
    public static final String INGEST_AUDIENCE = "sonde-ingest";

    /** Audience of viewer tokens. */
    public static final String PUSH_AUDIENCE = "sonde-push";

    /** What a device token's {@code sub} must be: the device id. */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /** Most verified tokens remembered. */
    public static final int MAX_REMEMBERED = 10_000;

    /** Longest a verified token is remembered. */
    public static final Duration MAX_REMEMBERED_FOR = Duration.ofMinutes(5);

    private final JWKSource<SecurityContext> keys;
    private final Duration maxLifetime;
    private final Duration skew;
    private final Cache<String, VerifiedToken> verified =
            Caffeine.newBuilder()
                    .maximumSize(MAX_REMEMBERED)
                    .expireAfter(
                            Expiry.creating((String key, VerifiedToken token) ->
                                    rememberFor(Instant.now(), token.expiresAt())))
                    .build();

    private TokenVerifier(JWKSource<SecurityContext> keys, Duration maxLifetime, Duration skew) {
        this.keys = keys;
        this.maxLifetime = maxLifetime;
        this.skew = skew;
    }

    /** A verifier trusting exactly the keys of {@code jwks}, with the default limits. */
    public static TokenVerifier of(JWKSet jwks) {
        return of(jwks, AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME, AuthConfig.DEFAULT_CLOCK_SKEW);
    }

    /** A verifier trusting exactly the keys of {@code jwks}. */
    public static TokenVerifier of(JWKSet jwks, Duration maxLifetime, Duration skew) {
        return new TokenVerifier(new ImmutableJWKSet<>(jwks), maxLifetime, skew);
    }

    /**
     * A verifier with keys from a JWKS file or URL, or a PEM public key.
     *
     * @throws IllegalStateException when the keys cannot be loaded: a service must not start
     *     without them
     */
    public static TokenVerifier create(AuthConfig config) {
        try {
            if (config.jwks().isPresent()) {
                String where = config.jwks().get();
                if (where.startsWith("http://") || where.startsWith("https://")) {
                    // Cached, refreshed before it expires, and fetched again when a token names
                    // a kid the set does not hold (rate-limited), so rotated keys are found.
                    URL url = new URI(where).toURL();
                    return new TokenVerifier(
                            JWKSourceBuilder.create(url).build(),
                            config.maxTokenLifetime(),
                            config.clockSkew());
                }
                return of(
                        JWKSet.load(Path.of(where).toFile()),
                        config.maxTokenLifetime(),
                        config.clockSkew());
            }
            return of(
                    new JWKSet(PemKeys.readPublicKey(Path.of(config.publicKeyPem().orElseThrow()))),
                    config.maxTokenLifetime(),
                    config.clockSkew());
        } catch (IOException | ParseException | URISyntaxException e) {
            throw new IllegalStateException(
                    "cannot load token verification keys: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies {@code token} for {@code audience}.
     *
     * @throws InvalidTokenException naming what was wrong, without the token
     */
    public VerifiedToken verify(String token, String audience) throws InvalidTokenException {
        // A space occurs in no JWT: the key names the audience and the token apart.
        String key = audience + ' ' + token;
        VerifiedToken known = verified.getIfPresent(key);
        if (known != null) {
            return known;
        }
        VerifiedToken fresh = check(token, audience);
        verified.put(key, fresh);
        return fresh;
    }

    /** How long a token verified at {@code now} is remembered: until {@code exp}, at most 5 min. */
    static Duration rememberFor(Instant now, Instant exp) {
        Duration left = Duration.between(now, exp);
        if (left.isNegative()) {
            return Duration.ZERO;
        }
        return left.compareTo(MAX_REMEMBERED_FOR) > 0 ? MAX_REMEMBERED_FOR : left;
    }

    private VerifiedToken check(String token, String audience) throws InvalidTokenException {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new KeySelector(keys));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier =
                new DefaultJWTClaimsVerifier<>(audience, null, Set.of("exp", "sub"));
        claimsVerifier.setMaxClockSkew((int) skew.toSeconds()); // exp and nbf
        processor.setJWTClaimsSetVerifier(claimsVerifier);
        try {
            JWTClaimsSet claims = processor.process(token, null);
            // "Required" only means present: an empty subject would be an empty device id as the
            // Kafka key, or a viewer nobody can be told apart from.
            if (claims.getSubject().isBlank()) {
                throw new InvalidTokenException("token has an empty subject");
            }
            if (audience.equals(INGEST_AUDIENCE)
                    && !DEVICE_ID.matcher(claims.getSubject()).matches()) {
                throw new InvalidTokenException(
                        "token subject is not a device id: " + DEVICE_ID.pattern());
            }
            checkLifetime(claims, Instant.now());
            return new VerifiedToken(
                    claims.getSubject(),
                    claims.getExpirationTime().toInstant(),
                    channels(claims),
                    Boolean.TRUE.equals(claims.getBooleanClaim("admin")));
        } catch (ParseException e) {
            throw new InvalidTokenException("token is not a well-formed JWT");
        } catch (BadJWTException e) {
            throw new InvalidTokenException("token rejected: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new InvalidTokenException("token signature or algorithm not accepted");
        } catch (JOSEException e) {
            throw new InvalidTokenException("token could not be verified", e);
        }
    }

    // iat not in the future, and a lifetime within the maximum (counted from now without iat).
    private void checkLifetime(JWTClaimsSet claims, Instant now) throws InvalidTokenException {
        Instant issued = now;
        if (claims.getIssueTime() != null) {
            issued = claims.getIssueTime().toInstant();
            if (issued.isAfter(now.plus(skew))) {
                throw new InvalidTokenException("token rejected: issued in the future (iat)");
            }
        }
        Duration lifetime = Duration.between(issued, claims.getExpirationTime().toInstant());
        if (lifetime.compareTo(maxLifetime) > 0) {
            throw new InvalidTokenException(
                    "token rejected: lives longer than the " + maxLifetime + " allowed");
        }
    }

    private static List<String> channels(JWTClaimsSet claims) throws ParseException {
        List<String> channels = claims.getStringListClaim("channels");
        return channels == null ? List.of() : channels;
    }
}
