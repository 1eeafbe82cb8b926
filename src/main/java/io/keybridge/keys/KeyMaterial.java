package io.keybridge.keys;

import com.fasterxml.jackson.annotation.JsonIgnoreType;
import java.util.Arrays;

/**
 * The one holder of a key's secret value, from generation until it has been pushed to its destinations.
 *
 * <p>{@link #toString()} is redacted, Jackson ignores the type, and {@link #close()} overwrites the characters, so the
 * material cannot reach a log line, a response or an exception message by accident. Use it in try-with-resources.
 * Not thread-safe: one issuance owns it.
 */
@JsonIgnoreType
public final class KeyMaterial implements AutoCloseable {

    private final char[] value;
    private final KeyHash hash;
    private final String displayPrefix;
    private boolean cleared;

    KeyMaterial(char[] value, KeyHash hash, String displayPrefix) {
        this.value = value;
        this.hash = hash;
        this.displayPrefix = displayPrefix;
    }

    /** The SHA-256 of the key: safe to store and log. */
    public KeyHash hash() {
        return hash;
    }

    /** The public part shown to people, e.g. {@code ee_live_abc1}. */
    public String displayPrefix() {
        return displayPrefix;
    }

    /**
     * The secret itself, for a destination to write into its secret store, and for nothing else.
     *
     * @throws IllegalStateException once the material has been cleared
     */
    public String reveal() {
        if (cleared) {
            throw new IllegalStateException("key material " + displayPrefix + "… was already cleared");
        }
        return new String(value);
    }

    /**
     * The secret written into {@code target} at {@code offset} as ASCII bytes (keys are Base62 and underscores), for a
     * request body the caller overwrites once it is sent: unlike {@link #reveal()}, no {@code String} is made, which
     * would stay in the heap until collected.
     *
     * @return the number of bytes written
     * @throws IllegalStateException once the material has been cleared
     */
    public int copyAscii(byte[] target, int offset) {
        if (cleared) {
            throw new IllegalStateException("key material " + displayPrefix + "… was already cleared");
        }
        for (int i = 0; i < value.length; i++) {
            target[offset + i] = (byte) value[i];
        }
        return value.length;
    }

    /** The secret's length in characters (and in ASCII bytes). */
    public int length() {
        return value.length;
    }

    /** Overwrites the secret in memory; later {@link #reveal()} calls fail. */
    @Override
    public void close() {
        Arrays.fill(value, '\0');
        cleared = true;
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + displayPrefix + "…, redacted]";
    }
}
