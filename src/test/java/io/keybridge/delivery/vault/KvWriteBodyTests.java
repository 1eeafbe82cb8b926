package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.delivery.SecretPayload;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The KV v2 write body carries the key and the facts beside it, spliced in as bytes (issue 16, item 17). */
class KvWriteBodyTests {

    @Test
    void theBodyIsTheCheckAndSetWriteWithTheKeyAndItsFacts() {
        try (KeyMaterial material = new KeyFormat("ee").generate(Environment.LIVE, new SecureRandom())) {
            SecretPayload payload = new SecretPayload(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    "revops \"quoted\"",
                    material.displayPrefix(),
                    Environment.LIVE,
                    new TreeSet<>(java.util.List.of("lists:read", "leads:read")),
                    Instant.parse("2026-12-01T00:00:00Z"),
                    null);

            byte[] body = KvWriteBody.of(3, payload, material);

            JsonNode json = JsonMapper.builder().build().readTree(body);
            assertThat(json.path("options").path("cas").asInt()).isEqualTo(3);
            assertThat(json.path("data").path("api_key").asString()).isEqualTo(material.reveal());
            assertThat(json.path("data").path("key_id").asString())
                    .isEqualTo(payload.keyId().toString());
            assertThat(json.path("data").path("scopes").asString()).isEqualTo("leads:read lists:read");
            assertThat(json.path("data").path("expires_at").asString()).isEmpty();
        }
    }
}
