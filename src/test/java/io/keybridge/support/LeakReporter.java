package io.keybridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test run's leak reporter: a shared secret and an EC P-256 key pair, whose public half keybridge is configured
 * with. Signs reports the way a reporter would, independently of keybridge's own code.
 */
public final class LeakReporter {

    public static final String SECRET = "it-leak-secret-" + java.util.UUID.randomUUID();
    private static final KeyPair KEYS = generate();
    public static final Path PUBLIC_KEY_FILE = writePublicKey();

    private LeakReporter() {}

    /** {@code v1=} hex HMAC-SHA256 of {@code <timestamp>.<body>}. */
    public static String hmac(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v1="
                    + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sig=} base64 SHA256withECDSA of {@code <timestamp>.<body>} with the reporter's private key. */
    public static String ecdsa(String timestamp, String body) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(KEYS.getPrivate());
            signer.update((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sig=" + Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writePublicKey() {
        try {
            Path file = Path.of("target/it-data/leak-reporter.pem");
            Files.createDirectories(file.getParent());
            Files.writeString(
                    file,
                    "-----BEGIN PUBLIC KEY-----\n"
                            + Base64.getMimeEncoder()
                                    .encodeToString(KEYS.getPublic().getEncoded())
                            + "\n-----END PUBLIC KEY-----\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
