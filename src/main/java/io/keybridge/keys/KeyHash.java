package io.keybridge.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 of a whole key, in lower-case hex: what keybridge stores and looks keys up by instead of the key.
 *
 * <p>A key carries 256 random bits, so a plain (unsalted) hash cannot be reversed by guessing.
 */
public record KeyHash(String hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(KeyHash::newDigest);

    public KeyHash {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("hex must be 64 lower-case hex characters");
        }
    }

    /** Hashes a key as presented (the caller has checked it is ASCII). */
    public static KeyHash of(CharSequence key) {
        byte[] bytes = key.toString().getBytes(StandardCharsets.US_ASCII);
        return new KeyHash(HexFormat.of().formatHex(SHA_256.get().digest(bytes)));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
