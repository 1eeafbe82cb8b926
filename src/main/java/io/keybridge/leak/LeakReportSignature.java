package io.keybridge.leak;

import io.keybridge.config.SecretFile;
import io.keybridge.security.HmacSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Checks that a leak report comes from the configured reporter and is fresh. The signed text is
 * {@code <timestamp>.<body>}, so a captured report cannot be replayed once {@code max-age} has passed, nor its body
 * changed. Either a shared secret ({@code v1=}, hex HMAC-SHA256) or the reporter's public key ({@code sig=}, base64
 * SHA256withECDSA or SHA256withRSA) signs it.
 */
@Component
public class LeakReportSignature {

    private final LeakReportProperties properties;
    private final @Nullable PublicKey publicKey;
    private final @Nullable Supplier<String> secret;
    private final Clock clock;

    LeakReportSignature(LeakReportProperties properties, Clock clock) {
        this.properties = properties;
        this.publicKey = properties.publicKeyFile() == null ? null : readPublicKey(properties);
        this.secret = SecretFile.either(
                properties.secret(),
                properties.secretFile(),
                "keybridge.leak-reports.secret (KEYBRIDGE_LEAK_REPORTS_SECRET)",
                "keybridge.leak-reports.secret-file (KEYBRIDGE_LEAK_REPORTS_SECRET_FILE)");
        this.clock = clock;
    }

    /** Why a report was refused; every one is a {@code 401}. */
    public enum Refusal {
        NOT_CONFIGURED,
        UNSIGNED,
        STALE,
        BAD_SIGNATURE
    }

    /** Returns null if the report is signed and fresh, else why not. */
    public @Nullable Refusal check(@Nullable String timestamp, @Nullable String signature, byte[] body) {
        if (!properties.enabled()) {
            return Refusal.NOT_CONFIGURED;
        }
        if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
            return Refusal.UNSIGNED;
        }
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Refusal.UNSIGNED;
        }
        if (Duration.between(signedAt, clock.instant()).abs().compareTo(properties.maxAge()) > 0) {
            return Refusal.STALE;
        }
        String at = timestamp.strip();
        for (String part : signature.split(",")) {
            String value = part.strip();
            if (value.startsWith("v1=") && secret != null) {
                if (HmacSignature.matches(secret.get(), at, body, value.substring(3))) {
                    return null;
                }
            } else if (value.startsWith("sig=") && publicKey != null) {
                if (signatureMatches(publicKey, HmacSignature.signedText(at, body), value.substring(4))) {
                    return null;
                }
            }
        }
        return Refusal.BAD_SIGNATURE;
    }

    private static boolean signatureMatches(PublicKey key, byte[] signed, String presentedBase64) {
        try {
            Signature verifier =
                    Signature.getInstance("EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(Base64.getDecoder().decode(presentedBase64.strip()));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false; // not base64, or not a signature of this key's form
        }
    }

    private static PublicKey readPublicKey(LeakReportProperties properties) {
        try {
            String pem = Files.readString(properties.publicKeyFile());
            byte[] der = Base64.getMimeDecoder()
                    .decode(pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                            .strip());
            X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
            for (String algorithm : new String[] {"EC", "RSA"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(spec);
                } catch (GeneralSecurityException notThisOne) {
                    // try the next algorithm
                }
            }
            throw new IllegalStateException("keybridge.leak-reports.public-key-file " + properties.publicKeyFile()
                    + " holds neither an EC nor an RSA public key (PEM, BEGIN PUBLIC KEY)");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot read keybridge.leak-reports.public-key-file " + properties.publicKeyFile() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
