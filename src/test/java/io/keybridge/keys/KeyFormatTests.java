package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KeyFormatTests {

    private static final long SEED = Long.getLong("keybridge.test.seed", System.nanoTime());
    private final KeyFormat format = new KeyFormat("ee");
    private final SecureRandom secureRandom = new SecureRandom();
    private final Random random = new Random(SEED);

    @Test
    void generatedKeysHaveTheDocumentedShape() {
        Pattern documented = Pattern.compile("ee_(?:live|test)_[0-9A-Za-z]{49}");
        for (Environment environment : Environment.values()) {
            try (KeyMaterial key = format.generate(environment, secureRandom)) {
                String value = key.reveal();
                assertThat(value).matches(documented).matches(format.regex()).hasSize(57);
                assertThat(value).startsWith("ee_" + environment.label() + "_");
                assertThat(key.displayPrefix()).isEqualTo(value.substring(0, 12));
                assertThat(key.hash()).isEqualTo(KeyHash.of(value));
                assertThat(format.check(value).wellFormed()).isTrue();
            }
        }
    }

    @Test
    void checkTellsTheEnvironmentOfAWellFormedKey() {
        try (KeyMaterial live = format.generate(Environment.LIVE, secureRandom);
                KeyMaterial test = format.generate(Environment.TEST, secureRandom)) {
            assertThat(format.check(live.reveal())).isEqualTo(KeyFormat.Check.LIVE);
            assertThat(format.check(test.reveal())).isEqualTo(KeyFormat.Check.TEST);
        }
    }

    @Test
    void keysAreUniqueAndBodiesUseTheWholeAlphabet() {
        Set<String> keys = new HashSet<>();
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            try (KeyMaterial key = format.generate(Environment.LIVE, secureRandom)) {
                String value = key.reveal();
                assertThat(keys.add(value)).isTrue();
                value.substring(8).chars().forEach(c -> seen.add((char) c));
            }
        }
        assertThat(seen).hasSize(62);
    }

    @Test
    void everySingleCharacterTypoIsRejectedWithoutALookup() {
        for (int i = 0; i < 300; i++) {
            try (KeyMaterial key = format.generate(Environment.LIVE, secureRandom)) {
                String value = key.reveal();
                for (int position = 0; position < value.length(); position++) {
                    char original = value.charAt(position);
                    char replacement = Base62.ALPHABET.charAt(random.nextInt(62));
                    if (replacement == original) {
                        continue;
                    }
                    String typo = value.substring(0, position) + replacement + value.substring(position + 1);
                    assertThat(format.check(typo).wellFormed())
                            .as("typo at %d (seed %d)", position, SEED)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void swappedNeighboursAreRejected() {
        for (int i = 0; i < 1_000; i++) {
            try (KeyMaterial key = format.generate(Environment.TEST, secureRandom)) {
                char[] chars = key.reveal().toCharArray();
                int position = 8 + random.nextInt(chars.length - 9);
                if (chars[position] == chars[position + 1]) {
                    continue;
                }
                char swap = chars[position];
                chars[position] = chars[position + 1];
                chars[position + 1] = swap;
                assertThat(format.check(new String(chars)).wellFormed())
                        .as("swap at %d (seed %d)", position, SEED)
                        .isFalse();
            }
        }
    }

    @Test
    void randomInputsAreNeverAccepted() {
        for (int i = 0; i < 20_000; i++) {
            String input = randomInput();
            assertThat(format.check(input).wellFormed())
                    .as("input %s (seed %d)", input, SEED)
                    .isFalse();
        }
    }

    @Test
    void wellShapedStringsWithAWrongChecksumAreReportedAsSuch() {
        for (int i = 0; i < 5_000; i++) {
            StringBuilder body = new StringBuilder("ee_live_");
            for (int j = 0; j < 49; j++) {
                body.append(Base62.ALPHABET.charAt(random.nextInt(62)));
            }
            // a random 49-character body has a 1 in 62^6 / 2^32 chance of a right checksum: never in practice
            assertThat(format.check(body)).as("seed %d", SEED).isEqualTo(KeyFormat.Check.BAD_CHECKSUM);
        }
    }

    @Test
    void malformedKeysAreReportedAsMalformed() {
        try (KeyMaterial key = format.generate(Environment.LIVE, secureRandom)) {
            String value = key.reveal();
            assertThat(format.check(null)).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check("")).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.substring(1))).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value + "x")).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.replace("ee_live_", "ee_prod_"))).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.replace("ee_live_", "xx_live_"))).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.replace("ee_live_", "ee-live_"))).isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.substring(0, 20) + "é" + value.substring(21)))
                    .isEqualTo(KeyFormat.Check.MALFORMED);
            assertThat(format.check(value.substring(0, 20) + " " + value.substring(21)))
                    .isEqualTo(KeyFormat.Check.MALFORMED);
        }
    }

    @Test
    void aConfiguredPrefixIsUsedAndChecked() {
        KeyFormat acme = new KeyFormat("acme");
        try (KeyMaterial key = acme.generate(Environment.LIVE, secureRandom)) {
            assertThat(key.reveal()).startsWith("acme_live_").matches(acme.regex());
            assertThat(acme.check(key.reveal()).wellFormed()).isTrue();
            assertThat(format.check(key.reveal())).isEqualTo(KeyFormat.Check.MALFORMED);
        }
    }

    @Test
    void prefixesThatWouldBreakTheFormatAreRefused() {
        for (String bad : new String[] {"", "EE", "e_e", "1ee", "toolongprefix", "e e"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new KeyFormat(bad))
                    .withMessageContaining("key prefix");
        }
    }

    private String randomInput() {
        int kind = random.nextInt(3);
        int length = kind == 0 ? random.nextInt(80) : 57;
        StringBuilder text = new StringBuilder(kind == 2 ? "ee_live_" : "");
        while (text.length() < length) {
            text.append(kind == 0 ? (char) (32 + random.nextInt(95)) : Base62.ALPHABET.charAt(random.nextInt(62)));
        }
        return text.toString();
    }
}
