package io.keybridge.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one signing scheme keybridge speaks, both ways (leak reports in, webhooks out): hex HMAC-SHA256 over
 * {@code <unix seconds>.<body>}, sent as {@code Keybridge-Signature: v1=<hex>} beside {@code Keybridge-Timestamp}.
 * Signing the timestamp lets the receiver refuse a replayed message once it is old.
 */
public final class HmacSignature {

    private HmacSignature() {}

    /** The bytes that are signed: the timestamp, a dot, the body as sent. */
    public static byte[] signedText(String timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return signed;
    }

    /** The hex HMAC-SHA256 of {@code <timestamp>.<body>} under the secret. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signedText(timestamp, body)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Whether {@code presentedHex} is the signature, compared in constant time. */
    public static boolean matches(String secret, String timestamp, byte[] body, String presentedHex) {
        byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = presentedHex.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }
}
