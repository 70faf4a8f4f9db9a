package io.sonde.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
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

/**
 * Verifies Sonde JWTs (docs/authentication.md): signature by ES256 or RS256 only (never {@code
 * none}, never HMAC), {@code exp} required and in the future, {@code sub} required and not blank,
 * {@code aud} containing the expected audience. Thread-safe; one instance per service.
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

    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    /** Most verified tokens remembered. */
    public static final int MAX_REMEMBERED = 10_000;

    /** Longest a verified token is remembered. */
    public static final Duration MAX_REMEMBERED_FOR = Duration.ofMinutes(5);

    private final JWKSource<SecurityContext> keys;
    private final Cache<String, VerifiedToken> verified =
            Caffeine.newBuilder()
                    .maximumSize(MAX_REMEMBERED)
                    .expireAfter(
                            Expiry.creating((String key, VerifiedToken token) ->
                                    rememberFor(Instant.now(), token.expiresAt())))
                    .build();

    private TokenVerifier(JWKSource<SecurityContext> keys) {
        this.keys = keys;
    }

    /** A verifier trusting exactly the keys of {@code jwks}. */
    public static TokenVerifier of(JWKSet jwks) {
        return new TokenVerifier(new ImmutableJWKSet<>(jwks));
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
                    URL url = new URI(where).toURL();
                    return new TokenVerifier(JWKSourceBuilder.create(url).build());
                }
                return of(JWKSet.load(Path.of(where).toFile()));
            }
            return of(
                    new JWKSet(
                            PemKeys.readPublicKey(Path.of(config.publicKeyPem().orElseThrow()))));
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
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(audience, null, Set.of("exp", "sub")));
        try {
            JWTClaimsSet claims = processor.process(token, null);
            // "Required" only means present: an empty subject would be an empty device id as the
            // Kafka key, or a viewer nobody can be told apart from.
            if (claims.getSubject().isBlank()) {
                throw new InvalidTokenException("token has an empty subject");
            }
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

    private static List<String> channels(JWTClaimsSet claims) throws ParseException {
        List<String> channels = claims.getStringListClaim("channels");
        return channels == null ? List.of() : channels;
    }
}
