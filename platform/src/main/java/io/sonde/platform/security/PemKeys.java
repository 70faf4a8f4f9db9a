package io.sonde.platform.security;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo) with the JDK: EC on P-256, P-384 or
 * P-521, or RSA of at least 2048 bits. The key gets no {@code kid}, so it verifies tokens with any
 * {@code kid} or none ({@link KeySelector}).
 */
final class PemKeys {
    static final int MIN_RSA_BITS = 2048;

    private PemKeys() {}

    static JWK readPublicKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String base64 =
                pem.replace("-----BEGIN PUBLIC KEY-----", "")
                        .replace("-----END PUBLIC KEY-----", "")
                        .replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a PEM public key", e);
        }
        PublicKey key = decode(der, file);
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null
                    || !(curve.equals(Curve.P_256)
                            || curve.equals(Curve.P_384)
                            || curve.equals(Curve.P_521))) {
                throw new IOException(
                        file + " holds an EC key on a curve other than P-256/384/521");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        RSAPublicKey rsa = (RSAPublicKey) key;
        if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IOException(
                    file + " holds an RSA key of fewer than " + MIN_RSA_BITS + " bits");
        }
        return new RSAKey.Builder(rsa).build();
    }

    private static PublicKey decode(byte[] der, Path file) throws IOException {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm)
                        .generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next one.
            }
        }
        throw new IOException(file + " holds neither an EC nor an RSA public key");
    }
}
