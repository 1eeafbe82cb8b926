package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an attacker or a careless caller can do: every endpoint with every role, no token and a bad token; guessing
 * keys at {@code /verify}; absurd bodies and headers.
 */
class AbuseIntegrationTests extends IntegrationTest {

    private static final String NO_TOKEN = "(none)";
    private static final String BAD_TOKEN = "not-a-token-" + UUID.randomUUID();
    private static final Set<String> READERS = Set.of("ADMIN", "RESPONDER", "AUDITOR");
    private static final Set<String> RESPONDERS = Set.of("ADMIN", "RESPONDER");
    private static final Set<String> ADMINS = Set.of("ADMIN");

    /** Who may call what: the README's role table, written out once more so that a change to either is noticed. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("GET /api/v1/audit", READERS);
        ALLOWED.put("GET /api/v1/audit/export", READERS);
        ALLOWED.put("GET /api/v1/audit/verify", READERS);
        ALLOWED.put("POST /api/v1/emergency-rotations", RESPONDERS);
        ALLOWED.put("GET /api/v1/emergency-rotations/{runId}", READERS);
        ALLOWED.put("GET /api/v1/findings", READERS);
        ALLOWED.put("GET /api/v1/findings/{id}", READERS);
        ALLOWED.put("POST /api/v1/findings/{id}/acknowledge", RESPONDERS);
        ALLOWED.put("POST /api/v1/findings/{id}/resolve", RESPONDERS);
        ALLOWED.put("GET /api/v1/keys", READERS);
        ALLOWED.put("POST /api/v1/keys", ADMINS);
        ALLOWED.put("GET /api/v1/keys/{id}", READERS);
        ALLOWED.put("PATCH /api/v1/keys/{id}", ADMINS);
        ALLOWED.put("POST /api/v1/keys/{id}/emergency-rotate", RESPONDERS);
        ALLOWED.put("POST /api/v1/keys/{id}/resume", ADMINS);
        ALLOWED.put("POST /api/v1/keys/{id}/revoke", RESPONDERS);
        ALLOWED.put("POST /api/v1/keys/{id}/rotate", ADMINS);
        ALLOWED.put("GET /api/v1/keys/{id}/rotations", READERS);
        ALLOWED.put("GET /api/v1/keys/{id}/rotations/{rotationId}", READERS);
        ALLOWED.put("POST /api/v1/keys/{id}/suspend", RESPONDERS);
        ALLOWED.put("GET /api/v1/scopes", READERS);
        ALLOWED.put("POST /api/v1/verify", Set.of("ADMIN", "VERIFIER"));
        ALLOWED.put("GET /api/v1/webhooks/deliveries", READERS);
        ALLOWED.put("GET /actuator/prometheus", Set.of("ADMIN", "AUDITOR"));
        ALLOWED.put("GET /actuator/metrics", Set.of("ADMIN", "AUDITOR"));
    }

    @Test
    void everyEndpointTimesEveryRoleNoTokenAndABadTokenGetsWhatTheRoleTableSays() throws Exception {
        JsonNode openapi = JsonMapper.builder().build().readTree(Files.readString(Path.of("docs/openapi.json")));
        Set<String> documented = new TreeSet<>();
        openapi.path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method ->
                                documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
        documented.remove("POST /api/v1/leak-reports"); // signed, not token-based: below
        assertThat(ALLOWED.keySet())
                .as("every documented operation has a row in the matrix")
                .containsAll(documented);

        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("ADMIN", ADMIN);
        callers.put("RESPONDER", RESPONDER);
        callers.put("AUDITOR", AUDITOR);
        callers.put("VERIFIER", VERIFIER);
        callers.put(NO_TOKEN, null);
        callers.put("BAD", BAD_TOKEN);
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Set<String>> operation : ALLOWED.entrySet()) {
            String[] parts = operation.getKey().split(" ", 2);
            String path = parts[1].replace("{id}", UUID.randomUUID().toString())
                    .replace("{runId}", UUID.randomUUID().toString())
                    .replace("{rotationId}", UUID.randomUUID().toString());
            for (Map.Entry<String, String> caller : callers.entrySet()) {
                // an empty object: never a valid request, so an allowed call is refused for its body or finds nothing
                // (/verify without a key: 401 invalid-api-key, which is about the key, not the caller)
                Api.Response answer =
                        api.send(parts[0], path, caller.getValue(), parts[0].equals("GET") ? null : Map.of(), Map.of());
                int status = answer.status();
                boolean allowed = operation.getValue().contains(caller.getKey());
                boolean ok = allowed
                        ? status != 403
                                && status < 500
                                && (status != 401 || answer.body().contains("invalid-api-key"))
                        : status
                                == (caller.getKey().equals(NO_TOKEN)
                                                || caller.getKey().equals("BAD")
                                        ? 401
                                        : 403);
                if (!ok || (status >= 400 && !answer.contentType().startsWith("application/problem+json"))) {
                    wrong.add(operation.getKey() + " as " + caller.getKey() + ": " + status);
                }
                checked++;
            }
        }
        System.out.printf(
                "authorization matrix: %d operations x %d callers = %d calls, %d wrong%n",
                ALLOWED.size(), callers.size(), checked, wrong.size());
        assertThat(wrong).isEmpty();

        // leak reports take no token: every caller, with or without one, is judged by the signature alone
        for (String token : new String[] {null, ADMIN, VERIFIER}) {
            assertThat(api.send("POST", "/api/v1/leak-reports", token, "[]", Map.of())
                            .status())
                    .isEqualTo(401);
        }
        assertThat(api.send("POST", "/api/v1/leak-reports", BAD_TOKEN, "[]", Map.of())
                        .status())
                .isEqualTo(401);
    }

    @Test
    void guessingKeysFromOneAddressIsStoppedWith429AndRetryAfterWhileOthersGoOn() {
        String path = unique("guessed") + "/api-key";
        issue(unique("guessed"), unique("team"), path, List.of("lists:read"));
        String real = readKeyOverHttp(path);
        String attacker = "203.0.113.77";

        int refused = 0;
        Api.Response answer = null;
        for (int i = 0; i < 100; i++) {
            answer = verifyFrom(
                    attacker, "ee_live_" + UUID.randomUUID().toString().replace("-", "") + "0000000000000000x");
            if (answer.status() == 429) {
                break;
            }
            assertThat(answer.status()).isEqualTo(401);
            refused++;
        }
        System.out.printf("brute force: %d refused guesses from one address before 429%n", refused);
        assertThat(refused).isEqualTo(30);
        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        int retryAfter = Integer.parseInt(answer.headers().get("retry-after").getFirst());
        assertThat(retryAfter).isBetween(1, 60);
        assertThat(verifyFrom(attacker, real).status())
                .as("a locked-out address is locked out, even with a real key")
                .isEqualTo(429);
        assertThat(verifyFrom("198.51.100.8", real).status())
                .as("other addresses go on")
                .isEqualTo(200);
        for (int i = 0; i < 40; i++) {
            assertThat(api.verify(VERIFIER, "ee_live_nonsense", List.of()).status())
                    .as("without an address nothing is limited: one limit would lock out every client")
                    .isEqualTo(401);
        }
    }

    @Test
    void absurdBodiesAndHeadersAreRefusedCleanlyAndChangeNothing() {
        String deep = "{\"scopes\":" + "[".repeat(3000) + "]".repeat(3000) + "}";
        Api.Response nested = api.send("POST", "/api/v1/verify", VERIFIER, deep, Map.of("X-API-Key", "ee_live_x"));
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.contentType()).startsWith("application/problem+json");

        String deepKey = "{\"name\":\"deep\",\"environment\":\"live\",\"owner\":\"o\",\"scopes\":[\"lists:read\"],"
                + "\"description\":" + "[".repeat(2000) + "]".repeat(2000) + "}";
        assertThat(api.send("POST", "/api/v1/keys", ADMIN, deepKey, Map.of()).status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/keys?q=deep", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();

        Api.Response rejected = api.get("/api/v1/keys/%25%2F..%2Fadmin", AUDITOR);
        assertThat(rejected.status())
                .as("the firewall's refusal, as problem+json")
                .isEqualTo(400);
        assertThat(rejected.contentType()).startsWith("application/problem+json");

        String huge = "{\"scopes\":[\"" + "a".repeat(40_000) + "\"]}";
        assertThat(api.send("POST", "/api/v1/verify", VERIFIER, huge, Map.of()).status())
                .isEqualTo(413);

        Api.Response odd =
                api.send("GET", "/api/v1/scopes", AUDITOR, null, Map.of("X-Request-Id", "<script>alert(1)</script>"));
        assertThat(odd.status()).isEqualTo(200);
        assertThat(odd.headers().get("x-request-id").getFirst())
                .as("an insane request id is replaced, never echoed")
                .matches("[A-Za-z0-9._:-]{1,64}");
        String tooLong = "a".repeat(500);
        assertThat(api.send("GET", "/api/v1/scopes", AUDITOR, null, Map.of("X-Request-Id", tooLong))
                        .headers()
                        .get("x-request-id")
                        .getFirst())
                .isNotEqualTo(tooLong);
        assertThat(api.send(
                                "POST",
                                "/api/v1/verify",
                                VERIFIER,
                                Map.of(),
                                Map.of("X-API-Key", "ee_live_" + "A".repeat(5000), "X-Forwarded-For", "x".repeat(2000)))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void actuatorEndpointsThatCouldShowMemoryOrConfigurationAreNotThere() {
        for (String endpoint : List.of(
                "heapdump", "threaddump", "env", "configprops", "beans", "loggers", "mappings", "quartz", "shutdown")) {
            Api.Response answer = api.get("/actuator/" + endpoint, ADMIN);
            assertThat(answer.status()).as(endpoint).isEqualTo(404);
            assertThat(answer.body()).doesNotContain("keybridge.security", "VAULT_TOKEN");
        }
        assertThat(api.send("POST", "/actuator/shutdown", ADMIN, Map.of(), Map.of())
                        .status())
                .isIn(404, 405);
    }

    private Api.Response verifyFrom(String source, String key) {
        return api.post("/api/v1/verify", VERIFIER, Map.of("clientAddress", source), Map.of("X-API-Key", key));
    }
}
