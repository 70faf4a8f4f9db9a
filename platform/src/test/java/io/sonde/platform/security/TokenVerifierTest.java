package io.sonde.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
    private static final ECKey KEY = key("k1");

    private final TokenVerifier verifier = TokenVerifier.of(new JWKSet(KEY.toPublicJWK()));

    @Test
    void aTokenPresentedAgainIsAcceptedAgainWithTheSameIdentity() throws Exception {
        String token = token(KEY, TokenVerifier.PUSH_AUDIENCE, "viewer-1", Duration.ofMinutes(10));

        VerifiedToken first = verifier.verify(token, TokenVerifier.PUSH_AUDIENCE);
        VerifiedToken again = verifier.verify(token, TokenVerifier.PUSH_AUDIENCE);

        assertThat(first.subject()).isEqualTo("viewer-1");
        assertThat(again).isEqualTo(first);
    }

    @Test
    void aRememberedTokenIsStillRefusedForAnotherAudience() throws Exception {
        String token = token(KEY, TokenVerifier.PUSH_AUDIENCE, "viewer-1", Duration.ofMinutes(10));
        verifier.verify(token, TokenVerifier.PUSH_AUDIENCE);

        assertThatThrownBy(() -> verifier.verify(token, TokenVerifier.INGEST_AUDIENCE))
                .isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aCorrectlySignedTokenWithAnEmptyOrBlankSubjectIsRefused() throws Exception {
        for (String subject : List.of("", "  ")) {
            String token =
                    token(KEY, TokenVerifier.INGEST_AUDIENCE, subject, Duration.ofMinutes(10));
            assertThatThrownBy(() -> verifier.verify(token, TokenVerifier.INGEST_AUDIENCE))
                    .isInstanceOf(InvalidTokenException.class)
                    .hasMessageContaining("subject")
                    .hasMessageNotContaining(token);
        }
    }

    @Test
    void aRefusedTokenIsRefusedEveryTime() throws Exception {
        String foreign =
                token(key("other"), TokenVerifier.PUSH_AUDIENCE, "x", Duration.ofMinutes(10));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> verifier.verify(foreign, TokenVerifier.PUSH_AUDIENCE))
                    .isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void aVerifiedTokenIsRememberedUntilItExpiresButAtMostFiveMinutes() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");

        assertThat(TokenVerifier.rememberFor(now, now.plusSeconds(10)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(TokenVerifier.rememberFor(now, now.plusSeconds(300)))
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(TokenVerifier.rememberFor(now, now.plusSeconds(3600)))
                .isEqualTo(TokenVerifier.MAX_REMEMBERED_FOR);
        assertThat(TokenVerifier.rememberFor(now, now.minusSeconds(1))).isZero();
    }

    private static String token(ECKey key, String audience, String subject, Duration life)
            throws Exception {
        JWTClaimsSet claims =
                new JWTClaimsSet.Builder()
                        .subject(subject)
                        .audience(List.of(audience))
                        .expirationTime(Date.from(Instant.now().plus(life)))
                        .build();
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                        claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static ECKey key(String id) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(id).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
