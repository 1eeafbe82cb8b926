package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class KeyMaterialTests {

    private final KeyFormat format = new KeyFormat("ee");

    @Test
    void toStringShowsOnlyTheDisplayPrefix() {
        try (KeyMaterial key = format.generate(Environment.LIVE, new SecureRandom())) {
            String secret = key.reveal();
            assertThat(key.toString())
                    .contains(key.displayPrefix())
                    .contains("redacted")
                    .doesNotContain(secret.substring(12));
            assertThat(String.valueOf(Map.of("key", key))).doesNotContain(secret.substring(12));
        }
    }

    @Test
    void jacksonNeverSerializesTheSecret() {
        try (KeyMaterial key = format.generate(Environment.LIVE, new SecureRandom())) {
            String json = JsonMapper.builder().build().writeValueAsString(Map.of("key", key, "n", 1));
            assertThat(json).doesNotContain(key.reveal().substring(12));
        }
    }

    @Test
    void closingOverwritesTheSecret() {
        KeyMaterial key = format.generate(Environment.TEST, new SecureRandom());
        String secretPart = key.reveal().substring(12);
        key.close();
        assertThatIllegalStateException()
                .isThrownBy(key::reveal)
                .withMessageContaining("cleared")
                .withMessageContaining(key.displayPrefix())
                .withMessageNotContaining(secretPart);
    }
}
