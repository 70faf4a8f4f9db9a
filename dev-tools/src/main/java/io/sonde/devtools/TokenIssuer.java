package io.sonde.devtools;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sonde.platform.security.TokenVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Signs device and viewer tokens with a local ES256 key: for the demo, the {@code sonde token}
 * command, the simulator and tests. Production deployments mint tokens in their own identity
 * provider; Sonde only verifies them.
 */
public final class TokenIssuer {
    private final ECKey key;
    private final ECDSASigner signer;

    public TokenIssuer(ECKey key) {
        this.key = key;
        try {
            this.signer = new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("not an EC signing key", e);
        }
    }

    /** A token that lets {@code deviceId} write telemetry as itself. */
    public String device(String deviceId, Duration ttl) {
        return sign(claims(deviceId, TokenVerifier.INGEST_AUDIENCE, ttl).build());
    }

    /** A token that lets a dashboard read {@code channels} and, with {@code admin}, edit rules. */
    public String viewer(String subject, List<String> channels, boolean admin, Duration ttl) {
        JWTClaimsSet.Builder claims =
                claims(subject, TokenVerifier.PUSH_AUDIENCE, ttl).claim("channels", channels);
        if (admin) {
            claims.claim("admin", true);
        }
        return sign(claims.build());
    }

    private static JWTClaimsSet.Builder claims(String subject, String audience, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .audience(audience)
                .issuer("sonde-dev")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
    }

    private String sign(JWTClaimsSet claims) {
        JWSHeader header =
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }
}
