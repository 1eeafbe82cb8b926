package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every bad input gets a clear problem+json naming the field and rule, and changes nothing. */
class BadInputIntegrationTests extends IntegrationTest {

    static Stream<Arguments> badKeyRequests() {
        return Stream.of(
                bad("unknown field", "createdBy", "unknown-field", body -> body.put("createdBy", "mallory")),
                bad("bad environment", "environment", "format", body -> body.put("environment", "prod")),
                bad("missing name", "name", "not-blank", body -> body.remove("name")),
                bad("blank name", "name", "not-blank", body -> body.put("name", "  ")),
                bad("name with control character", "name", "pattern", body -> body.put("name", "a\nb")),
                bad("name too long", "name", "size", body -> body.put("name", "n".repeat(101))),
                bad("missing owner", "owner", "not-blank", body -> body.remove("owner")),
                bad("no scopes", "scopes", "not-empty", body -> body.put("scopes", List.of())),
                bad(
                        "unknown scope",
                        "scopes[1]",
                        "unknown-scope",
                        body -> body.put("scopes", List.of("lists:read", "admin:*"))),
                bad("scopes not a list", "scopes", "format", body -> body.put("scopes", Map.of("a", 1))),
                bad("expiry in the past", "expiresAt", "future", body -> body.put("expiresAt", "2020-01-01T00:00:00Z")),
                bad("expiry not a date", "expiresAt", "format", body -> body.put("expiresAt", "next tuesday")),
                bad("no destinations", "destinations", "not-empty", body -> body.put("destinations", List.of())),
                bad(
                        "unknown destination type",
                        "destinations[0].type",
                        "destination-type",
                        body -> body.put("destinations", List.of(Map.of("type", "s3", "path", "a/b")))),
                bad(
                        "path escaping the root",
                        "destinations[0].path",
                        "path-segment",
                        body -> body.put("destinations", List.of(Map.of("type", "vault", "path", "../../sys/x")))),
                bad(
                        "path with an empty segment",
                        "destinations[0].path",
                        "path-segment",
                        body -> body.put("destinations", List.of(Map.of("type", "vault", "path", "a//b")))),
                bad(
                        "absolute path",
                        "destinations[0].path",
                        "path-segment",
                        body -> body.put("destinations", List.of(Map.of("type", "vault", "path", "/a/b")))),
                bad(
                        "path with a space",
                        "destinations[0].path",
                        "path-segment",
                        body -> body.put("destinations", List.of(Map.of("type", "vault", "path", "a b/c")))),
                bad(
                        "same destination twice",
                        "destinations[1]",
                        "unique-destination",
                        body -> body.put(
                                "destinations",
                                List.of(
                                        Map.of("type", "vault", "path", "twice/k"),
                                        Map.of("type", "vault", "path", "twice/k")))),
                bad(
                        "unknown destination field",
                        "destinations[0].mount",
                        "unknown-field",
                        body -> body.put(
                                "destinations", List.of(Map.of("type", "vault", "path", "a/b", "mount", "sys")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeyRequests")
    void aBadKeyRequestIsRefusedAndChangesNothing(
            String description, String field, String rule, Consumer<Map<String, Object>> change) {
        Map<String, Object> body = validBody();
        change.accept(body);
        long keysBefore = count("api_keys");
        long auditBefore = count("audit_events");

        Api.Response response = api.post("/api/v1/keys", ADMIN, body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:keybridge:problem:validation");
        assertThat(problem.path("status").asInt()).isEqualTo(400);
        List<String> broken = new java.util.ArrayList<>();
        problem.path("errors")
                .forEach(error -> broken.add(error.path("field").asString() + " "
                        + error.path("rule").asString()));
        assertThat(broken).contains(field + " " + rule);
        assertThat(problem.path("detail").asString()).isNotBlank();
        assertThat(count("api_keys")).isEqualTo(keysBefore);
        assertThat(count("audit_events")).isEqualTo(auditBefore);
    }

    @Test
    void malformedJsonIsRefusedWithoutEchoingIt() {
        Api.Response response = api.post("/api/v1/keys", ADMIN, "{\"name\": \"ee_live_sneaky\", ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("errors").get(0).path("rule").asString())
                .isEqualTo("json");
        assertThat(response.body()).doesNotContain("sneaky");
    }

    @Test
    void anOversizedBodyIsRefused() {
        Map<String, Object> body = validBody();
        body.put("description", "x".repeat(20_000));
        long before = count("api_keys");

        Api.Response response = api.post("/api/v1/keys", ADMIN, body);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("urn:keybridge:problem:body-too-large");
        assertThat(count("api_keys")).isEqualTo(before);
    }

    @Test
    void aWrongContentTypeIsRefused() {
        Api.Response response = api.send("POST", "/api/v1/keys", ADMIN, "name=x", Map.of("Content-Type", "text/plain"));

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void badIdsAndFiltersAreRefusedWithTheParameterNamed() {
        Api.Response badId = api.get("/api/v1/keys/not-a-uuid", ADMIN);
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path("errors").get(0).path("field").asString()).isEqualTo("id");

        assertThat(api.get("/api/v1/keys/00000000-0000-0000-0000-000000000000", ADMIN)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/keys?status=sleeping", ADMIN)
                        .json()
                        .path("detail")
                        .asString())
                .contains("status must be one of");
        assertThat(api.get("/api/v1/keys?environment=prod", ADMIN).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/keys?size=100000", ADMIN)
                        .json()
                        .path("detail")
                        .asString())
                .contains("size must be between");
        assertThat(api.get("/api/v1/audit?from=yesterday", ADMIN)
                        .json()
                        .path("errors")
                        .get(0)
                        .path("field")
                        .asString())
                .isEqualTo("from");
    }

    @Test
    void renameAndRevokeRefuseBadBodiesAndChangeNothing() {
        String path = unique("stable") + "/k";
        String name = unique("stable");
        String id = issue(name, "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        assertThat(api.patch("/api/v1/keys/" + id, ADMIN, Map.of("name", "x", "owner", "mallory"))
                        .status())
                .isEqualTo(400);
        assertThat(api.patch("/api/v1/keys/" + id, ADMIN, Map.of("name", "")).status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of()).status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "  "))
                        .status())
                .isEqualTo(400);

        JsonNode key = api.get("/api/v1/keys/" + id, ADMIN).json();
        assertThat(key.path("name").asString()).isEqualTo(name);
        assertThat(key.path("owner").asString()).isEqualTo("ops");
        assertThat(key.path("status").asString()).isEqualTo("ACTIVE");
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE 1 = 1"
                        + (table.equals("audit_events") ? " AND outcome <> 'REFUSED'" : ""))
                .query(Long.class)
                .single();
    }

    private static Map<String, Object> validBody() {
        Map<String, Object> body = new HashMap<>();
        body.put("name", unique("valid"));
        body.put("environment", "live");
        body.put("owner", "ops");
        body.put("scopes", List.of("lists:read"));
        body.put("destinations", List.of(Map.of("type", "vault", "path", unique("valid") + "/k")));
        return body;
    }

    private static Arguments bad(String description, String field, String rule, Consumer<Map<String, Object>> change) {
        return Arguments.of(description, field, rule, change);
    }
}
