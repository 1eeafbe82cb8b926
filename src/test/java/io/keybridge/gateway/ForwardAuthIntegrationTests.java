package io.keybridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.faults.ConnectionCounter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code /authz} as the gateways call it, against the shipped route file ({@code policies/routes/api.yaml}): the
 * gateway's token in {@code X-Keybridge-Token}, the client's call in the forwarded headers or under the prefix.
 */
class ForwardAuthIntegrationTests extends IntegrationTest {

    @Test
    void aValidKeyOnACoveredRouteIsLetThroughWithWhoItIsAndNoDatabaseQuery() {
        String path = unique("fa") + "/api-key";
        String id = issueId(unique("fa"), "gateway-team", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);
        call(forwarded("GET", "/v1/lists/42?page=2", key)); // warm
        long before = ConnectionCounter.fromRequests();

        Api.Response allowed = call(forwarded("GET", "/v1/lists/42?page=2", key));
        Map<String, String> bearer = forwarded("HEAD", "/v1/lists/42", null);
        bearer.put("Authorization", "Bearer " + key);
        Api.Response viaBearer = call(bearer);

        assertThat(ConnectionCounter.fromRequests()).as("no database query").isEqualTo(before);
        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).isEmpty();
        assertThat(header(allowed, "x-keybridge-key-id")).isEqualTo(id);
        assertThat(header(allowed, "x-keybridge-owner")).isEqualTo("gateway-team");
        assertThat(header(allowed, "x-keybridge-environment")).isEqualTo("live");
        assertThat(header(allowed, "x-keybridge-scopes")).isEqualTo("lists:read");
        assertThat(header(allowed, "x-keybridge-key-name")).startsWith("fa-");
        assertThat(viaBearer.status())
                .as("Authorization: Bearer <key>, HEAD as GET")
                .isEqualTo(200);
    }

    @Test
    void whatVerifyDoesHoldsHereTooAllowListsSuspensionLastUseAndAuditedRefusals() {
        String path = unique("fa-same") + "/api-key";
        Map<String, Object> request = new HashMap<>(io.keybridge.support.KeyRequests.key(
                unique("fa-same"), "gateway-team", null, List.of(io.keybridge.support.KeyRequests.vault(path))));
        request.put("allowedSources", List.of("10.0.0.0/8"));
        Api.Response created = api.post("/api/v1/keys", ADMIN, request);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String key = readKeyAsConsumer(path);
        Map<String, String> inside = forwarded("GET", "/v1/lists/1", key);
        inside.put("X-Forwarded-For", "10.1.2.3");
        Map<String, String> outside = forwarded("GET", "/v1/lists/1", key);
        outside.put("X-Forwarded-For", "10.1.2.3, " + randomSource());
        Map<String, String> noRoute = forwarded("GET", "/v1/admin", key);
        noRoute.put("X-Forwarded-For", "10.1.2.3");

        Api.Response allowed = call(inside);
        Api.Response notAllowed = call(outside);
        Api.Response unrouted = call(noRoute);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                                .json()
                                .path("lastUsedAt")
                                .isNull())
                        .as("last use recorded")
                        .isFalse());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.get("/api/v1/audit?action=authz&keyId=" + id, AUDITOR)
                                .json()
                                .path("totalItems")
                                .asInt())
                        .as("the no-route refusal audited")
                        .isPositive());
        assertThat(api.post("/api/v1/keys/" + id + "/suspend", ADMIN, Map.of("reason", "test"))
                        .status())
                .isEqualTo(200);
        Api.Response suspended = call(inside);

        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(notAllowed.status()).isEqualTo(403);
        assertThat(notAllowed.json().path("type").asString()).endsWith(":source-not-allowed");
        assertThat(unrouted.status()).isEqualTo(403);
        assertThat(suspended.status()).as("suspended: refused").isEqualTo(401);
    }

    @Test
    void scopesRoutesAndPathsAreCheckedDenyingByDefault() {
        String path = unique("fa-scope") + "/api-key";
        issueId(unique("fa-scope"), "gateway-team", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);

        Api.Response missing = call(forwarded("POST", "/v1/lists/42", key));
        Api.Response noRoute = call(forwarded("GET", "/v1/admin/users", key));
        Api.Response dotted = call(forwarded("GET", "/v1/lists/../admin/users", key));
        Api.Response encoded = call(forwarded("GET", "/v1/lists%2F..%2Fadmin", key));
        Api.Response publicRoute = call(forwarded("GET", "/v1/status", key));

        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.json().path("type").asString()).endsWith(":missing-scope");
        assertThat(missing.json().path("missingScopes").get(0).asString()).isEqualTo("lists:write");
        for (Api.Response refused : List.of(noRoute, dotted, encoded)) {
            assertThat(refused.status()).as(refused.body()).isEqualTo(403);
            assertThat(refused.contentType()).isEqualTo("application/problem+json");
            assertThat(refused.json().path("type").asString()).endsWith(":no-route");
        }
        assertThat(publicRoute.status())
                .as("scopes: [] lets any valid key through")
                .isEqualTo(200);
    }

    @Test
    void theGatewayMayStateTheScopesInItsOwnConfigInsteadOfTheRouteTable() {
        String path = unique("fa-stated") + "/api-key";
        issueId(unique("fa-stated"), "gateway-team", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);

        Api.Response held = call("/authz?scopes=lists:read", forwarded("DELETE", "/anything/at/all", key));
        Api.Response notHeld = call("/authz?scopes=lists:read,leads:write", forwarded("GET", "/v1/lists/1", key));
        Api.Response tooMany = call(
                "/authz?scopes="
                        + String.join(
                                ",",
                                java.util.stream.IntStream.range(0, 51)
                                        .mapToObj(i -> "s" + i)
                                        .toList()),
                forwarded("GET", "/v1/lists/1", key));

        assertThat(held.status()).isEqualTo(200);
        assertThat(notHeld.status()).isEqualTo(403);
        assertThat(notHeld.json().path("missingScopes").toString()).isEqualTo("[\"leads:write\"]");
        Api.Response clientsOwnQuery = call("/authz?scopes=", forwarded("GET", "/v1/admin?scopes=", key));
        assertThat(clientsOwnQuery.status())
                .as("the client's own query passed on")
                .isEqualTo(400);
        assertThat(clientsOwnQuery.json().path("detail").asString()).contains("client's own");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("type").asString()).endsWith(":bad-authz-request");
    }

    @Test
    void underThePrefixTheCallItselfIsAskedAboutAsEnvoysHttpExtAuthzSendsIt() {
        String path = unique("fa-envoy") + "/api-key";
        issueId(unique("fa-envoy"), "gateway-team", path, List.of("leads:write"));
        String key = readKeyAsConsumer(path);
        Map<String, String> headers = new HashMap<>(Map.of("X-Keybridge-Token", VERIFIER, "X-API-Key", key));

        Api.Response allowed = api.send("PUT", "/authz/v1/leads/7?scopes=", null, null, headers);
        Api.Response wrongMethod = api.send("GET", "/authz/v1/leads/7", null, null, headers);
        // under the prefix the forwarded headers are the client's: they are not read
        headers.put("X-Forwarded-Uri", "/v1/leads/7");
        headers.put("X-Forwarded-Method", "PUT");
        Api.Response spoofed = api.send("GET", "/authz/v1/admin", null, null, headers);

        assertThat(allowed.status()).as(allowed.body()).isEqualTo(200);
        assertThat(header(allowed, "x-envoy-auth-headers-to-remove")).isEqualTo("X-API-Key");
        assertThat(wrongMethod.status()).isEqualTo(403);
        assertThat(spoofed.status()).isEqualTo(403);
        assertThat(spoofed.json().path("type").asString()).endsWith(":no-route");
    }

    @Test
    void everyInvalidKeyGetsTheSameAnswer() {
        String path = unique("fa-bad") + "/api-key";
        String id = issueId(unique("fa-bad"), "gateway-team", path, List.of("lists:read"));
        String key = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "test"))
                        .status())
                .isEqualTo(200);
        String source = randomSource();
        List<String> presented = new java.util.ArrayList<>(List.of(
                key, // revoked
                key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A"), // checksum
                "ee_live_" + "0".repeat(49), // unknown
                "not-a-key"));
        Set<String> bodies = new java.util.HashSet<>();
        for (String candidate : presented) {
            Map<String, String> headers = forwarded("GET", "/v1/lists/1", candidate);
            headers.put("X-Forwarded-For", source);
            Api.Response refused = call(headers);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(header(refused, "www-authenticate")).isEqualTo("ApiKey");
            bodies.add(refused.body());
        }
        Map<String, String> none = forwarded("GET", "/v1/lists/1", null);
        none.put("X-Forwarded-For", source);
        Api.Response noKey = call(none);
        bodies.add(noKey.body());
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(bodies).as("one body for every reason").hasSize(1);
    }

    @Test
    void theGuessLimitIsA429WithRetryAfterAndForNginxA401ThatSaysSo() {
        String source = randomSource();
        Api.Response last = null;
        for (int i = 0; i < 40 && (last == null || last.status() != 429); i++) {
            Map<String, String> headers = forwarded("GET", "/v1/lists/1", "ee_live_" + "1".repeat(49));
            // the right-most entry is the one the gateway appended: the client's own entries do not count
            headers.put("X-Forwarded-For", "203.0.113.250, " + source);
            last = call(headers);
        }
        Map<String, String> nginx = forwarded("GET", "/v1/lists/1", "ee_live_" + "1".repeat(49));
        nginx.put("X-Forwarded-For", source);
        Api.Response forNginx = call("/authz?gateway=nginx", nginx);
        Map<String, String> elsewhere = forwarded("GET", "/v1/lists/1", "ee_live_" + "1".repeat(49));
        elsewhere.put("X-Forwarded-For", source + ", 203.0.113.251");

        assertThat(last.status()).isEqualTo(429);
        assertThat(Long.parseLong(header(last, "retry-after"))).isPositive();
        assertThat(last.json().path("type").asString()).endsWith(":too-many-refusals");
        assertThat(forNginx.status()).isEqualTo(401);
        assertThat(header(forNginx, "x-keybridge-status")).isEqualTo("429");
        assertThat(header(forNginx, "retry-after")).isNotNull();
        assertThat(call(elsewhere).status())
                .as("another client address is not limited")
                .isEqualTo(401);
    }

    @Test
    void theGatewayAuthenticatesWithItsOwnHeaderNeverWithTheClientsAuthorization() {
        Map<String, String> headers = forwarded("GET", "/v1/lists/1", null);
        headers.remove("X-Keybridge-Token");
        Api.Response inAuthorization = api.send("GET", "/authz", VERIFIER, null, headers);
        headers.put("X-Keybridge-Token", AUDITOR);
        Api.Response auditor = api.send("GET", "/authz", null, null, headers);
        headers.put("X-Keybridge-Token", "not-a-token");
        Api.Response unknown = api.send("GET", "/authz", null, null, headers);
        Map<String, String> noUri = new HashMap<>(Map.of("X-Keybridge-Token", VERIFIER));
        Api.Response withoutUri = api.send("GET", "/authz", null, null, noUri);

        assertThat(inAuthorization.status()).isEqualTo(401);
        assertThat(inAuthorization.json().path("detail").asString()).contains("X-Keybridge-Token");
        assertThat(auditor.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(withoutUri.status()).isEqualTo(400);
        assertThat(withoutUri.json().path("type").asString()).endsWith(":bad-authz-request");
    }

    private Api.Response call(Map<String, String> headers) {
        return call("/authz", headers);
    }

    private Api.Response call(String uri, Map<String, String> headers) {
        return api.send("GET", uri, null, null, headers);
    }

    private static Map<String, String> forwarded(String method, String uri, String key) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Keybridge-Token", VERIFIER);
        headers.put("X-Forwarded-Method", method);
        headers.put("X-Forwarded-Uri", uri);
        headers.put("X-Forwarded-Host", "api.example.com");
        if (key != null) {
            headers.put("X-API-Key", key);
        }
        return headers;
    }

    private static String header(Api.Response response, String name) {
        List<String> values = response.headers().get(name);
        return values == null ? null : values.getFirst();
    }

    /** An address of TEST-NET-2 no other test uses, so that the guess limit of one test does not reach another. */
    private static String randomSource() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "198.51.100." + random.nextInt(1, 255) + "";
    }
}
