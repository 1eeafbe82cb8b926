package io.keybridge.keys;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The shape of a key: {@code <prefix>_<env>_<body><checksum>}.
 *
 * <ul>
 *   <li>{@code prefix}: configurable, default {@code ee};
 *   <li>{@code env}: {@code live} or {@code test};
 *   <li>{@code body}: 32 bytes from {@link SecureRandom}, Base62, always {@value #BODY_LENGTH} characters;
 *   <li>{@code checksum}: CRC32 of everything before it, Base62, always {@value #CHECKSUM_LENGTH} characters.
 * </ul>
 *
 * The checksum lets {@link #check} refuse typos and random strings without a lookup, and lets secret scanners match a
 * key with almost no false positives. Thread-safe.
 */
public final class KeyFormat {

    static final int BODY_BYTES = 32;
    static final int BODY_LENGTH = 43; // ceil(256 / log2(62))
    static final int CHECKSUM_LENGTH = 6; // 62^6 > 2^32
    static final int DISPLAY_BODY_CHARACTERS = 4;
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,9}");

    private final String prefix;
    private final int keyLength;

    public KeyFormat(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("key prefix must match " + PREFIX.pattern() + ", was '" + prefix + "'");
        }
        this.prefix = prefix;
        this.keyLength = prefix.length() + "_live_".length() + BODY_LENGTH + CHECKSUM_LENGTH;
    }

    /** The configured prefix, e.g. {@code ee}. */
    public String prefix() {
        return prefix;
    }

    /** The regular expression that matches exactly the keys of this format (for scanners and docs). */
    public String regex() {
        return prefix + "_(?:live|test)_[0-9A-Za-z]{" + (BODY_LENGTH + CHECKSUM_LENGTH) + "}";
    }

    /** Generates a fresh key for the environment. */
    public KeyMaterial generate(Environment environment, SecureRandom random) {
        byte[] body = new byte[BODY_BYTES];
        random.nextBytes(body);
        String withoutChecksum = prefix + "_" + environment.label() + "_" + Base62.encode(body, BODY_LENGTH);
        String key = withoutChecksum + Base62.encode(crc32(withoutChecksum), CHECKSUM_LENGTH);
        return new KeyMaterial(key.toCharArray(), KeyHash.of(key), displayPrefixOf(key, environment));
    }

    /**
     * Checks a presented key's shape and checksum without looking it up anywhere.
     *
     * @return the environment it claims, or why it is not a key of this format
     */
    public Check check(CharSequence presented) {
        if (presented == null || presented.length() != keyLength) {
            return Check.MALFORMED;
        }
        int p = prefix.length();
        for (int i = 0; i < p; i++) {
            if (presented.charAt(i) != prefix.charAt(i)) {
                return Check.MALFORMED;
            }
        }
        Environment environment = environmentAt(presented, p);
        if (environment == null) {
            return Check.MALFORMED;
        }
        int bodyStart = p + "_live_".length();
        for (int i = bodyStart; i < keyLength; i++) {
            if (Base62.valueOf(presented.charAt(i)) < 0) {
                return Check.MALFORMED;
            }
        }
        long expected = Base62.decode(presented, keyLength - CHECKSUM_LENGTH, keyLength);
        long actual = crc32(presented.subSequence(0, keyLength - CHECKSUM_LENGTH));
        if (expected != actual) {
            return Check.BAD_CHECKSUM;
        }
        return environment == Environment.LIVE ? Check.LIVE : Check.TEST;
    }

    private static Environment environmentAt(CharSequence key, int at) {
        if (key.charAt(at) != '_' || key.charAt(at + 5) != '_') {
            return null;
        }
        String env = key.subSequence(at + 1, at + 5).toString();
        return switch (env) {
            case "live" -> Environment.LIVE;
            case "test" -> Environment.TEST;
            default -> null;
        };
    }

    private String displayPrefixOf(String key, Environment environment) {
        int bodyStart = prefix.length() + 1 + environment.label().length() + 1;
        return key.substring(0, bodyStart + DISPLAY_BODY_CHARACTERS);
    }

    private static long crc32(CharSequence text) {
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    /** The outcome of {@link #check}: a well-formed key of an environment, or the reason it is not one. */
    public enum Check {
        LIVE,
        TEST,
        MALFORMED,
        BAD_CHECKSUM;

        /** Whether shape and checksum are right (the key may still be unknown). */
        public boolean wellFormed() {
            return this == LIVE || this == TEST;
        }
    }
}
