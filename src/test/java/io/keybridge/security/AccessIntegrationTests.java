package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Roles as documented: ADMIN everything, RESPONDER read and revoke, AUDITOR read, VERIFIER only /verify. */
class AccessIntegrationTests extends IntegrationTest {

    @Test
    void requestsWithoutAValidTokenAreRefusedWithProblemJson() {
        for (Api.Response response : List.of(
                api.get("/api/v1/keys", null),
                api.get("/api/v1/keys", "not-a-token"),
                api.verify(null, "ee_live_x", List.of()),
                api.send("GET", "/api/v1/keys", null, null, Map.of("Authorization", "Basic YWRtaW46YWRtaW4=")))) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.headers().get("www-authenticate")).containsExactly("Bearer");
            assertThat(response.json().path("type").asString()).isEqualTo("urn:keybridge:problem:unauthenticated");
        }
    }

    @Test
    void anAuditorReadsButCannotAct() {
        String id = issue(unique("audited"), "ops", unique("audited") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        assertThat(api.get("/api/v1/keys", AUDITOR).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/audit", AUDITOR).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/scopes", AUDITOR).status()).isEqualTo(200);
        assertForbidden(api.post("/api/v1/keys", AUDITOR, Map.of("name", "x")));
        assertForbidden(api.patch("/api/v1/keys/" + id, AUDITOR, Map.of("name", "y")));
        assertForbidden(api.post("/api/v1/keys/" + id + "/revoke", AUDITOR, Map.of("reason", "r")));
        assertForbidden(api.verify(AUDITOR, "ee_live_x", List.of()));
        assertThat(api.get("/api/v1/keys/" + id, ADMIN).json().path("status").asString())
                .isEqualTo("ACTIVE");
    }

    @Test
    void aResponderRevokesButCannotIssueOrRename() {
        String id = issue(unique("responded"), "ops", unique("responded") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        assertForbidden(api.post("/api/v1/keys", RESPONDER, Map.of("name", "x")));
        assertForbidden(api.patch("/api/v1/keys/" + id, RESPONDER, Map.of("name", "y")));
        assertThat(api.get("/api/v1/audit", RESPONDER).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", RESPONDER, Map.of("reason", "incident 42"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theGatewayOnlyVerifies() {
        assertThat(api.verify(VERIFIER, "ee_live_x", List.of()).status()).isEqualTo(401);
        assertForbidden(api.get("/api/v1/keys", VERIFIER));
        assertForbidden(api.get("/api/v1/audit", VERIFIER));
        assertForbidden(api.post("/api/v1/keys", VERIFIER, Map.of("name", "x")));
        assertForbidden(api.get("/actuator/metrics", VERIFIER));
    }

    @Test
    void refusalsAreAuditedPerRouteWithTheKeyIdApart() {
        String id = issue(unique("refused"), "ops", unique("refused") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        api.post("/api/v1/keys/" + id + "/emergency-rotate", AUDITOR, Map.of("reason", "not allowed"));

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(api.get(
                                        "/api/v1/audit?keyId=" + id
                                                + "&action=POST%20/api/v1/keys/%7Bid%7D/emergency-rotate",
                                        ADMIN)
                                .json()
                                .path("items")
                                .path(0)
                                .path("actor")
                                .asString())
                        .isEqualTo("auditor"));
    }

    @Test
    void healthIsOpenForLoadBalancers() {
        assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    private static void assertForbidden(Api.Response response) {
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo("urn:keybridge:problem:forbidden");
    }
}
