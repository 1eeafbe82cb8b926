package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Properties of the key parser, over thousands of generated inputs (jqwik; reported as *Properties in CI). */
class KeyFormatProperties {

    private static final KeyFormat FORMAT = new KeyFormat("ee");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Property
    void everyGeneratedKeyChecksAsItsEnvironmentAndMatchesTheScannerRegex(@ForAll Environment environment) {
        try (KeyMaterial material = FORMAT.generate(environment, RANDOM)) {
            String key = material.reveal();
            assertThat(FORMAT.check(key))
                    .isEqualTo(environment == Environment.LIVE ? KeyFormat.Check.LIVE : KeyFormat.Check.TEST);
            assertThat(key).matches(FORMAT.regex());
            assertThat(KeyHash.of(key)).isEqualTo(material.hash());
            assertThat(key).startsWith(material.displayPrefix());
        }
    }

    /** CRC32 catches every change of one character (a burst shorter than 32 bits): a typo never verifies. */
    @Property
    void anyOneCharacterChangeIsRefusedWithoutALookup(
            @ForAll @IntRange(min = 0, max = 57) int position, @ForAll("base62") char replacement) {
        try (KeyMaterial material = FORMAT.generate(Environment.LIVE, RANDOM)) {
            String key = material.reveal();
            int at = "ee_live_".length() + position % (key.length() - "ee_live_".length());
            if (key.charAt(at) == replacement) {
                return;
            }
            String typo = key.substring(0, at) + replacement + key.substring(at + 1);
            assertThat(FORMAT.check(typo).wellFormed()).isFalse();
        }
    }

    @Property
    void swappingTwoNeighboursIsRefused(@ForAll @IntRange(min = 0, max = 47) int position) {
        try (KeyMaterial material = FORMAT.generate(Environment.TEST, RANDOM)) {
            String key = material.reveal();
            int at = "ee_test_".length() + position;
            if (key.charAt(at) == key.charAt(at + 1)) {
                return;
            }
            String swapped = key.substring(0, at) + key.charAt(at + 1) + key.charAt(at) + key.substring(at + 2);
            assertThat(FORMAT.check(swapped).wellFormed()).isFalse();
        }
    }

    @Property(tries = 5000)
    void arbitraryTextNeverPassesAndNeverThrows(@ForAll @StringLength(max = 200) String text) {
        assertThat(FORMAT.check(text).wellFormed()).isFalse();
    }

    @Property
    void textOfTheRightShapeButRandomChecksumAlmostNeverPasses(@ForAll("keyShaped") String text) {
        // 1 in 2^32 would pass by chance; jqwik's 1000 tries never should
        assertThat(FORMAT.check(text)).isIn(KeyFormat.Check.BAD_CHECKSUM, KeyFormat.Check.MALFORMED);
    }

    @Provide
    Arbitrary<Character> base62() {
        return Arbitraries.of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray());
    }

    @Provide
    Arbitrary<String> keyShaped() {
        return Arbitraries.strings()
                .withChars("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
                .ofLength(49)
                .flatMap(body -> Arbitraries.of("ee_live_", "ee_test_").map(head -> head + body));
    }
}
