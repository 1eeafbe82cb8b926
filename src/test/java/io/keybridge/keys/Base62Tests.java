package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Base62Tests {

    @Test
    void encodesFixedWidthAndDecodesBack() {
        Random random = new Random(62);
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextLong() & 0xFFFFFFFFL;
            String encoded = Base62.encode(value, 6);
            assertThat(encoded).hasSize(6);
            assertThat(Base62.decode(encoded, 0, 6)).isEqualTo(value);
        }
        assertThat(Base62.encode(0, 6)).isEqualTo("000000");
        assertThat(Base62.encode(61, 2)).isEqualTo("0z");
    }

    @Test
    void thirtyTwoBytesAlwaysFitInFortyThreeCharacters() {
        byte[] max = new byte[32];
        java.util.Arrays.fill(max, (byte) 0xFF);
        assertThat(Base62.encode(max, 43)).hasSize(43).doesNotStartWith("0");
        assertThat(Base62.encode(new byte[32], 43)).isEqualTo("0".repeat(43));
    }

    @Test
    void refusesWhatDoesNotFitAndCharactersOutsideTheAlphabet() {
        assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(62, 1));
        assertThat(Base62.decode("ab_", 0, 3)).isEqualTo(-1);
        assertThat(Base62.valueOf('é')).isEqualTo(-1);
    }
}
