package io.sonde.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks the keys a token may be verified with: only asymmetric algorithms ({@link #ALGORITHMS};
 * never {@code none}, never HMAC, so a public key can never serve as a shared secret), and among
 * the trusted keys those of the token's {@code kid}. A key without a {@code kid} (a PEM key, a JWKS
 * entry without one) serves any token of its type, and a token without a {@code kid} may be
 * verified by any key of its type: a signature still has to verify. A {@code kid} that matches no
 * key makes a JWKS URL source fetch the set again (at most once per its rate limit), which is how
 * rotated keys are found.
 */
final class KeySelector implements JWSKeySelector<SecurityContext> {
    /** The signature algorithms accepted. */
    static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(
                    JWSAlgorithm.ES256,
                    JWSAlgorithm.ES384,
                    JWSAlgorithm.ES512,
                    JWSAlgorithm.RS256,
                    JWSAlgorithm.RS384,
                    JWSAlgorithm.RS512);

    private final JWKSource<SecurityContext> keys;

    KeySelector(JWKSource<SecurityContext> keys) {
        this.keys = keys;
    }

    @Override
    public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context)
            throws KeySourceException {
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            return List.of();
        }
        JWKMatcher ofHeader = JWKMatcher.forJWSHeader(header);
        List<JWK> found = keys.get(new JWKSelector(ofHeader), context);
        if (found.isEmpty() && header.getKeyID() != null) {
            JWKMatcher withoutKid = new JWKMatcher.Builder(ofHeader).keyID(null).build();
            found =
                    keys.get(new JWKSelector(withoutKid), context).stream()
                            .filter(k -> k.getKeyID() == null)
                            .toList();
        }
        return publicKeys(found);
    }

    private static List<Key> publicKeys(List<JWK> jwks) throws KeySourceException {
        List<Key> out = new ArrayList<>();
        for (JWK jwk : jwks) {
            if (jwk instanceof AsymmetricJWK asymmetric) {
                try {
                    out.add(asymmetric.toPublicKey());
                } catch (JOSEException e) {
                    throw new KeySourceException("a trusted key is unusable: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }
}
