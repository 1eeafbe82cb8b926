package io.keybridge.keys;

import java.math.BigInteger;
import java.util.Arrays;

/** Fixed-width Base62 (0-9, A-Z, a-z): URL-safe, no punctuation, so a key is one "word" to editors and scanners. */
final class Base62 {

    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(62);
    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUES[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base62() {}

    /** Encodes the unsigned big-endian number in {@code bytes} as exactly {@code width} characters. */
    static String encode(byte[] bytes, int width) {
        return encode(new BigInteger(1, bytes), width);
    }

    /** Encodes a non-negative number as exactly {@code width} characters, left-padded with '0'. */
    static String encode(long value, int width) {
        return encode(BigInteger.valueOf(value), width);
    }

    private static String encode(BigInteger value, int width) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("value must not be negative");
        }
        char[] out = new char[width];
        Arrays.fill(out, '0');
        int position = width;
        BigInteger rest = value;
        while (rest.signum() > 0) {
            if (position == 0) {
                throw new IllegalArgumentException("value does not fit in " + width + " Base62 characters");
            }
            BigInteger[] quotientAndRemainder = rest.divideAndRemainder(BASE);
            out[--position] = ALPHABET.charAt(quotientAndRemainder[1].intValue());
            rest = quotientAndRemainder[0];
        }
        return new String(out);
    }

    /** The value of one Base62 character, or -1 if it is not one. */
    static int valueOf(char c) {
        return c < 128 ? VALUES[c] : -1;
    }

    /** Decodes up to 10 characters into a number; returns -1 if any character is not Base62. */
    static long decode(CharSequence text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = valueOf(text.charAt(i));
            if (digit < 0) {
                return -1;
            }
            value = value * 62 + digit;
        }
        return value;
    }
}
