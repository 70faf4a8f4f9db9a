package io.sonde.devtools;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;

/**
 * The local development key pair (the demo generates one in {@code ./data/keys} at first start):
 * {@code signing-key.jwk} holds the private ES256 key (mode 0600), {@code jwks.json} the public key
 * that the services verify with.
 */
public final class DevKeys {
    public static final String SIGNING_KEY_FILE = "signing-key.jwk";
    public static final String JWKS_FILE = "jwks.json";

    private final ECKey key;
    private final Path jwksFile;

    private DevKeys(ECKey key, Path jwksFile) {
        this.key = key;
        this.jwksFile = jwksFile;
    }

    /** Loads the key pair from {@code dir}, generating and writing it on first use. */
    public static DevKeys loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path privateFile = dir.resolve(SIGNING_KEY_FILE);
            Path jwksFile = dir.resolve(JWKS_FILE);
            if (!Files.exists(privateFile)) {
                ECKey generated = generate();
                writePrivate(privateFile, generated.toJSONString());
                Files.writeString(
                        jwksFile,
                        new JWKSet(generated.toPublicJWK()).toString(),
                        StandardCharsets.UTF_8);
            }
            ECKey key = ECKey.parse(Files.readString(privateFile, StandardCharsets.UTF_8));
            if (!Files.exists(jwksFile)) {
                Files.writeString(
                        jwksFile, new JWKSet(key.toPublicJWK()).toString(), StandardCharsets.UTF_8);
            }
            return new DevKeys(key, jwksFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use dev keys in " + dir, e);
        } catch (ParseException e) {
            throw new IllegalStateException("corrupt dev key in " + dir + ": " + e.getMessage(), e);
        }
    }

    public TokenIssuer issuer() {
        return new TokenIssuer(key);
    }

    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** The public JWKS file, the value for {@code sonde.auth.jwks}. */
    public Path jwksFile() {
        return jwksFile;
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC key", e);
        }
    }

    private static void writePrivate(Path file, String json) throws IOException {
        Files.writeString(file, json, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the file keeps the default permissions.
        }
    }
}
