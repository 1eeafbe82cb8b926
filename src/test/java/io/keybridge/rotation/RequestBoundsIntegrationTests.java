package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Every duration and instant a caller sends is bounded, refused with a {@code 400} that names the field and the bound
 * before anything is recorded (issue 16, items 1, 2, 11 and 12): a grace of 292 billion years once overflowed
 * {@code Instant.plus} after the new version was written, and the stuck rotation stopped keybridge from starting.
 */
class RequestBoundsIntegrationTests extends IntegrationTest {

    @ParameterizedTest(name = "grace {0}")
    @CsvSource({"PT2562047788015215H", "P100000000000D", "PT1H1S", "-PT1S"})
    void anEmergencyGraceOutsideItsBoundsIsRefusedAndNothingIsRecorded(String grace) {
        String id = issuedKey();

        Api.Response refused =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "x", "grace", grace));

        assertRefused(refused, "grace", grace.startsWith("-") ? "minimum" : "maximum");
        if (!grace.startsWith("-")) {
            assertThat(refused.json().path("detail").asString())
                    .contains("at most PT1H")
                    .contains("keybridge.rotation.maximum-emergency-grace");
        }
        assertNothingHappenedTo(id);
    }

    @Test
    void aGraceWithinTheBoundStillWorks() {
        String id = issuedKey();

        Api.Response rotated =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "x", "grace", "PT1H"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "overlap {0}")
    @CsvSource({"P999999999D", "P31D", "PT2562047788015215H"})
    void anOverlapAboveTheMaximumIsRefusedAndNothingIsRecorded(String overlap) {
        String id = issuedKey();

        Api.Response refused = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", overlap));

        assertRefused(refused, "overlap", "maximum");
        assertThat(refused.json().path("detail").asString()).contains("keybridge.rotation.maximum-overlap");
        assertNothingHappenedTo(id);
    }

    @Test
    void aDurationSentAsANumberIsRefusedRatherThanReadAsSeconds() {
        String id = issuedKey();

        Api.Response refused = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, "{\"overlap\": 12}");

        assertRefused(refused, "overlap", "format");
        assertThat(refused.json().path("detail").asString()).contains("ISO-8601");
        assertNothingHappenedTo(id);
    }

    @Test
    void aNameSentAsANumberIsRefusedRatherThanTurnedIntoText() {
        // a number no other key's name contains
        String number = String.valueOf(900_000_000_000L + new java.util.Random().nextLong(99_999_999_999L));
        Map<String, Object> body =
                KeyRequests.key("placeholder", "bounds", null, List.of(KeyRequests.vault(unique("bounds/n"))));
        String json = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .writeValueAsString(body)
                .replace("\"placeholder\"", number);

        Api.Response refused = api.post("/api/v1/keys", ADMIN, json);

        assertRefused(refused, "name", "format");
        assertThat(api.get("/api/v1/keys?q=" + number, ADMIN).json().path("items"))
                .isEmpty();
    }

    @ParameterizedTest(name = "expiresAt {0}")
    @CsvSource({"+1000000000-01-01T00:00:00Z", "2099-01-01T00:00:00Z"})
    void anExpiryBeyondTheMaximumLifetimeIsRefused(String expiresAt) {
        String path = unique("bounds/expiry");
        Map<String, Object> body = new java.util.LinkedHashMap<>(
                KeyRequests.key(unique("far"), "bounds", null, List.of(KeyRequests.vault(path))));
        body.put("expiresAt", expiresAt);

        Api.Response refused = api.post("/api/v1/keys", ADMIN, body);

        assertRefused(refused, "expiresAt", "maximum");
        assertThat(refused.json().path("detail").asString()).contains("keybridge.keys.maximum-lifetime");
        assertThat(bao.metadata(path).status()).as("nothing was written").isEqualTo(404);
    }

    private String issuedKey() {
        Api.Response created = issueTo("bounds", List.of(KeyRequests.vault(unique("bounds/k"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    private static void assertRefused(Api.Response refused, String field, String rule) {
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        JsonNode error = refused.json().path("errors").path(0);
        assertThat(error.path("field").asString()).isEqualTo(field);
        assertThat(error.path("rule").asString()).isEqualTo(rule);
    }

    private void assertNothingHappenedTo(String id) {
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", ADMIN).json()).isEmpty();
        JsonNode key = api.get("/api/v1/keys/" + id, ADMIN).json();
        assertThat(key.path("status").asString()).isEqualTo("ACTIVE");
        assertThat(key.path("currentVersion").asInt()).isEqualTo(1);
    }
}
