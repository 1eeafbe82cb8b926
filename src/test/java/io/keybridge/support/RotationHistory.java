package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;

/** A key's rotations as {@code GET /keys/{id}/rotations} lists them, newest first. */
public final class RotationHistory {

    private static final Set<String> DELIVERED = Set.of("OVERLAP", "REVOKING", "COMPLETED");

    private RotationHistory() {}

    public static List<JsonNode> of(Api api, String token, String keyId) {
        Api.Response response = api.get("/api/v1/keys/" + keyId + "/rotations", token);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return StreamSupport.stream(response.json().spliterator(), false).toList();
    }

    /** Whether the rotation delivered its version: in its overlap, revoking the old versions, or complete. */
    public static boolean delivered(JsonNode rotation) {
        return DELIVERED.contains(rotation.path("state").asString());
    }

    /** The rotations that delivered their version, newest first. */
    public static List<JsonNode> delivered(List<JsonNode> history) {
        return history.stream().filter(RotationHistory::delivered).toList();
    }
}
