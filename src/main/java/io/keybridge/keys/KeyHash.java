package io.keybridge.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 of a whole key: what keybridge stores (as lower-case hex) and looks keys up by instead of the key.
 *
 * <p>A key carries 256 random bits, so a plain (unsalted) hash cannot be reversed by guessing. Held as bytes, with the
 * first four as hash code (they are uniformly random already): verification computes one per request, and neither hex
 * formatting nor validation belongs on that path. Immutable.
 */
public final class KeyHash {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final MessageDigest SHA_256 = newDigest();

    private final byte[] digest;
    private final int hashCode;

    private KeyHash(byte[] digest) {
        this.digest = digest;
        this.hashCode =
                (digest[0] & 0xFF) << 24 | (digest[1] & 0xFF) << 16 | (digest[2] & 0xFF) << 8 | digest[3] & 0xFF;
    }

    /** Hashes a key as presented (the caller has checked it is ASCII). */
    public static KeyHash of(CharSequence key) {
        byte[] bytes = key.toString().getBytes(StandardCharsets.US_ASCII);
        return new KeyHash(digest().digest(bytes));
    }

    /**
     * A stored hash.
     *
     * @throws IllegalArgumentException unless {@code hex} is 64 lower-case hex characters
     */
    public static KeyHash fromHex(String hex) {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a key hash is 64 lower-case hex characters");
        }
        return new KeyHash(HexFormat.of().parseHex(hex));
    }

    /** The form stored in the database. */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyHash that && Arrays.equals(digest, that.digest);
    }

    @Override
    public int hashCode() {
        return hashCode;
    }

    @Override
    public String toString() {
        return "KeyHash[" + hex().substring(0, 12) + "…]";
    }

    private static MessageDigest digest() {
        try {
            // cloning a prototype is far cheaper than a provider lookup, and works on virtual threads, where a
            // thread-local digest would be created anew for every request
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            return newDigest();
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
