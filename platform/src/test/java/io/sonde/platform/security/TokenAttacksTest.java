package io.sonde.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens as an attacker would forge them, each refused, and the key sources (JWKS file and URL, PEM
 * keys of each supported kind) each verifying tokens with and without a {@code kid}.
 */
class TokenAttacksTest {
    private static final String DEVICES = TokenVerifier.INGEST_AUDIENCE;
    private static final ECKey KEY = ec(Curve.P_256, "k1");

    @TempDir Path dir;

    private final TokenVerifier verifier = TokenVerifier.of(new JWKSet(KEY.toPublicJWK()));

    @Test
    void aWellMadeDeviceTokenPasses() throws Exception {
        assertThat(verifier.verify(sign(KEY, claims("dev-1")), DEVICES).subject())
                .isEqualTo("dev-1");
    }

    @Test
    void refusesEachForgery() throws Exception {
        ECKey stranger = ec(Curve.P_256, "k1"); // same kid, other key
        String good = sign(KEY, claims("dev-1"));
        String[] parts = good.split("\\.");
        String otherPayload =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                claims("dev-2").toString().getBytes(StandardCharsets.UTF_8));

        refused(new PlainJWT(claims("dev-1")).serialize(), "alg none");
        refused(hmacWithThePublicKey(claims("dev-1")), "HS256 keyed with the public key");
        refused(sign(stranger, claims("dev-1")), "signed by another key");
        refused(parts[0] + "." + otherPayload + "." + parts[2], "payload swapped");
        refused(good.substring(0, good.length() - 4) + "AAAA", "signature changed");
        refused("not.a.jwt", "garbage");
    }

    @Test
    void refusesEachBadClaim() throws Exception {
        Instant now = Instant.now();
        refused(sign(KEY, with(c -> c.expirationTime(date(now.minusSeconds(120))))), "expired");
        refused(sign(KEY, with(c -> c.expirationTime(null))), "no exp");
        refused(sign(KEY, with(c -> c.notBeforeTime(date(now.plusSeconds(120))))), "not yet valid");
        refused(sign(KEY, with(c -> c.issueTime(date(now.plusSeconds(120))))), "issued later");
        refused(sign(KEY, with(c -> c.audience("someone-else"))), "wrong aud");
        refused(sign(KEY, with(c -> c.audience((String) null))), "no aud");
        refused(
                sign(KEY, with(c -> c.expirationTime(date(now.plus(Duration.ofDays(30)))))),
                "lives 30 days");
        refused(sign(KEY, with(c -> c.subject(null))), "no sub");
    }

    @Test
    void toleratesTheClockSkew() throws Exception {
        Instant now = Instant.now();
        String justExpired = sign(KEY, with(c -> c.expirationTime(date(now.minusSeconds(5)))));
        String issuedJustAhead = sign(KEY, with(c -> c.issueTime(date(now.plusSeconds(5)))));

        assertThat(verifier.verify(justExpired, DEVICES).subject()).isEqualTo("dev-1");
        assertThat(verifier.verify(issuedJustAhead, DEVICES).subject()).isEqualTo("dev-1");
    }

    @Test
    void aDeviceTokenNeedsAValidDeviceIdButAViewerNameMayBeFree() throws Exception {
        for (String bad : new String[] {"dev 1", "dev/1", "x".repeat(129), "dév", "a\nb"}) {
            refused(sign(KEY, claims(bad)), "device id " + bad);
        }
        String viewer = sign(KEY, with(c -> c.subject("Ada Lovelace").audience("sonde-push")));
        assertThat(verifier.verify(viewer, TokenVerifier.PUSH_AUDIENCE).subject())
                .isEqualTo("Ada Lovelace");
    }

    @Test
    void aKidTheKeysDoNotHoldIsRefused() throws Exception {
        ECKey sameKeyOtherKid = new ECKey.Builder(KEY).keyID("k9").build();
        refused(sign(sameKeyOtherKid, claims("dev-1")), "unknown kid");
    }

    @Test
    void aTokenWithoutKidIsVerifiedByTheJwksKeys() throws Exception {
        ECKey noKid = new ECKey.Builder(KEY).keyID(null).build();
        assertThat(verifier.verify(sign(noKid, claims("dev-1")), DEVICES).subject())
                .isEqualTo("dev-1");
    }

    @Test
    void pemKeysOfEachKindVerifyTokensWithAndWithoutKid() throws Exception {
        ECKey p384 = ec(Curve.P_384, "issuer-kid");
        ECKey p521 = ec(Curve.P_521, null);
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-kid").generate();
        for (JWK key : new JWK[] {KEY, p384, p521, rsa}) {
            TokenVerifier pem = fromPem(publicKey(key));
            assertThat(pem.verify(sign(key, claims("dev-1")), DEVICES).subject())
                    .as("%s with kid %s", key.getKeyType(), key.getKeyID())
                    .isEqualTo("dev-1");
        }
    }

    @Test
    void refusesToStartWithAWeakRsaKey() throws Exception {
        RSAKey weak = new RSAKeyGenerator(1024, true).generate();
        assertThatThrownBy(() -> fromPem(publicKey(weak)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2048");
    }

    @Test
    void aJwksUrlFindsARotatedKey() throws Exception {
        ECKey next = ec(Curve.P_256, "k2");
        AtomicReference<String> served =
                new AtomicReference<>(new JWKSet(KEY.toPublicJWK()).toString());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/jwks.json",
                exchange -> {
                    byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
            TokenVerifier remote = TokenVerifier.create(AuthConfig.ofJwks(url));
            assertThat(remote.verify(sign(KEY, claims("dev-1")), DEVICES).subject())
                    .isEqualTo("dev-1");

            served.set(new JWKSet(next.toPublicJWK()).toString()); // the issuer rotates

            assertThat(remote.verify(sign(next, claims("dev-2")), DEVICES).subject())
                    .isEqualTo("dev-2");
        } finally {
            server.stop(0);
        }
    }

    private void refused(String token, String what) {
        assertThatThrownBy(() -> verifier.verify(token, DEVICES))
                .as(what)
                .isInstanceOf(InvalidTokenException.class)
                .hasMessageNotContaining(token);
    }

    private TokenVerifier fromPem(PublicKey key) throws IOException {
        String pem =
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                        + "\n-----END PUBLIC KEY-----\n";
        Path file = Files.writeString(dir.resolve("key-" + System.nanoTime() + ".pem"), pem);
        return TokenVerifier.create(
                new AuthConfig(
                        Optional.empty(),
                        Optional.of(file.toString()),
                        AuthConfig.DEFAULT_MAX_TOKEN_LIFETIME,
                        AuthConfig.DEFAULT_CLOCK_SKEW));
    }

    private static PublicKey publicKey(JWK key) throws Exception {
        return key instanceof ECKey ec ? ec.toPublicKey() : ((RSAKey) key).toPublicKey();
    }

    private static String hmacWithThePublicKey(JWTClaimsSet claims) throws Exception {
        byte[] secret = KEY.toECPublicKey().getEncoded(); // what a confused verifier would use
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static String sign(JWK key, JWTClaimsSet claims) throws Exception {
        JWSAlgorithm alg;
        JWSSigner signer;
        if (key instanceof ECKey ec) {
            alg =
                    ec.getCurve().equals(Curve.P_256)
                            ? JWSAlgorithm.ES256
                            : ec.getCurve().equals(Curve.P_384)
                                    ? JWSAlgorithm.ES384
                                    : JWSAlgorithm.ES512;
            signer = new ECDSASigner(ec);
        } else {
            alg = JWSAlgorithm.RS256;
            signer = new RSASSASigner((RSAKey) key);
        }
        SignedJWT jwt =
                new SignedJWT(
                        new JWSHeader.Builder(alg)
                                .keyID(key.getKeyID())
                                .type(JOSEObjectType.JWT)
                                .build(),
                        claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(String subject) {
        return with(c -> c.subject(subject));
    }

    private static JWTClaimsSet with(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder base =
                new JWTClaimsSet.Builder()
                        .subject("dev-1")
                        .audience(DEVICES)
                        .issueTime(date(now))
                        .expirationTime(date(now.plus(Duration.ofMinutes(10))));
        return change.apply(base).build();
    }

    private static Date date(Instant instant) {
        return Date.from(instant);
    }

    private static ECKey ec(Curve curve, String kid) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
