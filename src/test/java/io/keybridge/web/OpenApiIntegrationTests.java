package io.keybridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** docs/openapi.json is what the server serves; regenerate with KEYBRIDGE_WRITE_OPENAPI=true scripts/test. */
class OpenApiIntegrationTests extends IntegrationTest {

    private static final Path CHECKED_IN = Path.of("docs/openapi.json");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @Test
    void theCheckedInOpenApiDocumentMatchesTheServedOne() throws Exception {
        Api.Response response = api.get("/v3/api-docs", null);
        assertThat(response.status()).isEqualTo(200);
        JsonNode served = normalize(JSON.readTree(response.body()));
        String pretty = JSON.writeValueAsString(JSON.treeToValue(served, Object.class)) + "\n";
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/openapi.json"), pretty);
        if ("true".equals(System.getenv("KEYBRIDGE_WRITE_OPENAPI"))) {
            Files.writeString(CHECKED_IN, pretty);
        }

        assertThat(Files.exists(CHECKED_IN))
                .as("docs/openapi.json is missing; run KEYBRIDGE_WRITE_OPENAPI=true scripts/test")
                .isTrue();
        assertThat(normalize(JSON.readTree(Files.readString(CHECKED_IN))))
                .as("docs/openapi.json drifted from /v3/api-docs; compare with target/openapi.json or regenerate it "
                        + "with KEYBRIDGE_WRITE_OPENAPI=true scripts/test")
                .isEqualTo(served);
    }

    /** The server address differs per run; everything else must match. */
    private static JsonNode normalize(JsonNode document) {
        ((tools.jackson.databind.node.ObjectNode) document).remove("servers");
        return document;
    }
}
