package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.Keycloak;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The API with access tokens from a real identity provider (Keycloak, realm {@code keybridge}; see {@link Keycloak}):
 * each person's groups give their roles through {@code keybridge.security.oidc.bindings} (set in
 * {@link IntegrationTest}), the team bindings limited to their owner's keys. Tokens come from Keycloak's password
 * grant, as a script's or the CLI's would come from its flows.
 */
class SingleSignOnApiIntegrationTests extends IntegrationTest {

    @Autowired
    io.keybridge.findings.Findings findings;

    private static Keycloak keycloak;

    @BeforeAll
    static void identityProvider() {
        keycloak = Keycloak.server().awaitReady();
    }

    private final List<String> tokensSeen = new ArrayList<>();

    private String token(String user) {
        String token = keycloak.accessToken(user, user + "-password");
        tokensSeen.add(token);
        return token;
    }

    @Test
    void aTeamsResponderSeesAndActsOnlyOnItsOwnersKeys() {
        String erin = token("erin"); // keybridge-admin: every owner
        String alice = token("alice"); // team:revops: RESPONDER for sso-revops
        String own = created(erin, SSO_REVOPS, "alice-own");
        String other = created(erin, SSO_GROWTH, "bob-own");

        // listing shows only the team's keys, even when another owner is asked for by name
        List<String> owners = owners(api.get("/api/v1/keys?size=200", alice));
        assertThat(owners).isNotEmpty().containsOnly(SSO_REVOPS);
        assertThat(api.get("/api/v1/keys?owner=" + SSO_GROWTH, alice).json().path("items"))
                .isEmpty();
        // another team's key reads as absent, so its name does not leak
        Api.Response read = api.get("/api/v1/keys/" + other, alice);
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.body()).doesNotContain("bob-own");
        assertThat(api.get("/api/v1/keys/" + other + "/rotations", alice).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/keys/" + own, alice).status()).isEqualTo(200);

        // acting on it is refused, and nothing changes
        Api.Response revoke = api.post("/api/v1/keys/" + other + "/revoke", alice, Map.of("reason", "not mine"));
        assertThat(revoke.status()).isEqualTo(403);
        assertThat(revoke.contentType()).startsWith("application/problem+json");
        assertThat(revoke.json().path("detail").asString()).contains(SSO_REVOPS);
        Api.Response emergency =
                api.post("/api/v1/keys/" + other + "/emergency-rotate", alice, Map.of("reason", "not mine"));
        assertThat(emergency.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/keys/" + other, erin).json().path("status").asString())
                .isEqualTo("ACTIVE");
        assertThat(api.get("/api/v1/keys/" + other, erin)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(1);

        // its own key: emergency-rotated, and the audit trail names the person and how they signed in
        Api.Response rotated =
                api.post("/api/v1/keys/" + own + "/emergency-rotate", alice, Map.of("reason", "sso test leak"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        JsonNode audit = api.get("/api/v1/audit?keyId=" + own, AUDITOR).json();
        assertThat(audit.toString()).contains("alice (jwt, sub ");
        // a responder creates nothing, and an admin of every owner may
        Api.Response create = api.post("/api/v1/keys", alice, key(SSO_REVOPS, "alice-new"));
        assertThat(create.status()).isEqualTo(403);
    }

    /**
     * The authorization matrix's owner dimension: every operation on one key x a person of each kind (an admin of
     * every owner, an auditor, a responder bound to one owner, a person in no bound group) x a key of that owner and
     * one of another. Bodies are empty objects, so an allowed action is refused for its body, never for its caller.
     */
    @Test
    void everyKeyOperationTimesEveryKindOfPersonTimesOwnAndOtherOwnersKeys() {
        String erin = token("erin");
        String own = created(erin, SSO_REVOPS, "matrix-own");
        String other = created(erin, SSO_GROWTH, "matrix-other");
        Map<String, String> people = Map.of(
                "ADMIN", erin, "AUDITOR", token("carol"), "RESPONDER_REVOPS", token("alice"), "UNBOUND", token("dave"));
        String[][] operations = {
            {"GET", "", "read"},
            {"PATCH", "", "admin"},
            {"GET", "/rotations", "read"},
            {"GET", "/rotations/" + java.util.UUID.randomUUID(), "read"},
            {"POST", "/rotate", "admin"},
            {"POST", "/resume", "admin"},
            {"POST", "/revoke", "respond"},
            {"POST", "/suspend", "respond"},
            {"POST", "/emergency-rotate", "respond"}
        };
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (String[] operation : operations) {
            for (Map.Entry<String, String> person : people.entrySet()) {
                for (String key : List.of(own, other)) {
                    Api.Response answer = api.send(
                            operation[0],
                            "/api/v1/keys/" + key + operation[1],
                            person.getValue(),
                            operation[0].equals("GET") ? null : Map.of(),
                            Map.of());
                    int expected = expected(person.getKey(), operation[2], key.equals(own));
                    boolean ok = expected == 0
                            ? answer.status() != 403 && answer.status() < 500
                            : answer.status() == expected;
                    if (!ok || !answer.contentType().startsWith("application/")) {
                        wrong.add(String.join(
                                        " ",
                                        operation[0],
                                        operation[1],
                                        person.getKey(),
                                        key.equals(own) ? "own" : "other")
                                + ": " + answer.status());
                    }
                    checked++;
                }
            }
        }
        System.out.printf("owner-scoped authorization matrix: %d calls, %d wrong%n", checked, wrong.size());
        assertThat(wrong).isEmpty();
    }

    /** 0: allowed (answered for the request, not the caller); else the status the caller must get. */
    private static int expected(String person, String kind, boolean ownersKey) {
        return switch (person) {
            case "ADMIN" -> 0;
            case "AUDITOR" -> kind.equals("read") ? 0 : 403;
            case "RESPONDER_REVOPS" ->
                switch (kind) {
                    case "read" -> ownersKey ? 0 : 404;
                    case "respond" -> ownersKey ? 0 : 403;
                    default -> 403;
                };
            default -> 403;
        };
    }

    @Test
    void aBulkEmergencySelectorIsIntersectedWithTheCallersOwners() {
        String erin = token("erin");
        String bob = token("bob"); // team:growth
        String scope = "lists:read";
        String growth = created(erin, SSO_GROWTH, "bulk-growth");
        String revops = created(erin, SSO_REVOPS, "bulk-revops");

        Map<String, Object> everyone =
                Map.of("selector", Map.of("scope", scope), "reason", "sso dry run", "dryRun", true);
        JsonNode bobs = api.post("/api/v1/emergency-rotations", bob, everyone).json();
        List<String> ids = ids(bobs.path("keys"));
        assertThat(ids).contains(growth).doesNotContain(revops);
        assertThat(owners(bobs.path("keys"))).containsOnly(SSO_GROWTH);
        // the admin's dry run, same selector, takes both
        JsonNode erins = api.post("/api/v1/emergency-rotations", erin, everyone).json();
        assertThat(ids(erins.path("keys"))).contains(growth, revops);

        // the run itself touches only what the dry run showed
        Api.Response run = api.post(
                "/api/v1/emergency-rotations",
                bob,
                Map.of("selector", Map.of("keyIds", List.of(growth, revops)), "reason", "sso bulk"));
        assertThat(run.status()).as(run.body()).isEqualTo(202);
        assertThat(run.json().path("total").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/keys/" + revops, erin)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void theTrailFindingsAndDeliveriesShowATeamNoOtherOwnersKeys() {
        String erin = token("erin");
        String alice = token("alice");
        String own = created(erin, SSO_REVOPS, "trail-own");
        String other = created(erin, SSO_GROWTH, "trail-other");
        api.post("/api/v1/keys/" + other + "/revoke", erin, Map.of("reason", "trail test"));

        JsonNode trail = api.get("/api/v1/audit?size=200", alice).json().path("items");
        List<String> keys = StreamSupport.stream(trail.spliterator(), false)
                .map(entry -> entry.path("keyId").asString())
                .distinct()
                .toList();
        assertThat(keys).contains(own).doesNotContain(other);
        for (String key : keys) {
            assertThat(api.get("/api/v1/keys/" + key, erin).json().path("owner").asString())
                    .as("an entry about key " + key)
                    .isEqualTo(SSO_REVOPS);
        }
        assertThat(api.get("/api/v1/audit?keyId=" + other, alice).json().path("items"))
                .isEmpty();
        assertThat(api.get("/api/v1/audit?keyId=" + other, erin).json().path("items"))
                .isNotEmpty();
        // the export is the whole chain: only for someone who may read every owner's entries
        assertThat(api.get("/api/v1/audit/export", alice).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit/export", token("carol")).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/webhooks/deliveries", alice).status()).isEqualTo(403);
        // a finding is as reachable as its key: another team's reads as absent and cannot be acknowledged
        String ownFinding = raiseFinding(own);
        String otherFinding = raiseFinding(other);
        assertThat(api.get("/api/v1/findings/" + otherFinding, alice).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/findings/" + otherFinding + "/acknowledge", alice, Map.of("note", "mine?"))
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/findings/" + ownFinding + "/acknowledge", alice, Map.of("note", "mine"))
                        .status())
                .isEqualTo(200);
        assertThat(api.post("/api/v1/findings/" + ownFinding + "/resolve", token("carol"), Map.of("reason", "no"))
                        .status())
                .as("an auditor reads and does not act")
                .isEqualTo(403);
        assertThat(api.get("/api/v1/findings/" + otherFinding, erin)
                        .json()
                        .path("status")
                        .asString())
                .as("the other team's finding is untouched (open, or resolved by keybridge: its key is revoked)")
                .isNotEqualTo("ACKNOWLEDGED");
        JsonNode findings = api.get("/api/v1/findings?size=200", alice).json().path("items");
        for (JsonNode finding : findings) {
            assertThat(api.get("/api/v1/keys/" + finding.path("keyId").asString(), erin)
                            .json()
                            .path("owner")
                            .asString())
                    .isEqualTo(SSO_REVOPS);
        }
    }

    @Test
    void anAuditorReadsEveryOwnerAndActsOnNone() {
        String erin = token("erin");
        String carol = token("carol"); // keybridge-auditor
        String key = created(erin, SSO_GROWTH, "audited");
        assertThat(api.get("/api/v1/keys/" + key, carol).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/audit?keyId=" + key, carol).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/keys/" + key + "/revoke", carol, Map.of("reason", "no"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void tokensThatAreNotGoodEnoughAreRefused() {
        String dave = token("dave"); // in a group no binding names
        Api.Response unbound = api.get("/api/v1/keys", dave);
        assertThat(unbound.status()).isEqualTo(403);
        assertThat(unbound.json().path("detail").asString()).contains("none of your groups is bound");

        String alice = token("alice");
        // another issuer (same client id and user, another realm)
        String elsewhere = keycloak.accessToken(
                "elsewhere", Keycloak.CLIENT_ID, "elsewhere-test-client-secret", "alice", "alice-password");
        tokensSeen.add(elsewhere);
        assertRefused(elsewhere);
        // another audience: a token Keycloak made for another client of the same realm
        String reporting = keycloak.accessToken(
                "keybridge", "reporting", "reporting-test-client-secret", "alice", "alice-password");
        tokensSeen.add(reporting);
        assertRefused(reporting);
        // unsigned: alice's own claims with "alg": "none"
        String[] parts = alice.split("\\.");
        String none = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[1] + ".";
        assertRefused(none);
        // a forged signature
        assertRefused(parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse());
        // expired: the same good token, read an hour later (keybridge's clock; Keycloak's tokens live 5 minutes)
        assertThat(api.get("/api/v1/keys?size=1", alice).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(1));
        assertRefused(alice);
        clock.reset();
        assertThat(api.get("/api/v1/keys?size=1", alice).status()).isEqualTo(200);
    }

    @Test
    void noAccessTokenReachesTheLog() throws Exception {
        String token = token("carol");
        assertThat(api.get("/api/v1/keys?size=1", token).status()).isEqualTo(200);
        assertRefused(token.substring(0, token.length() - 4) + "AAAA");
        String log = Files.readString(Path.of("target/test-logs/keybridge.log"), StandardCharsets.UTF_8);
        for (String seen : tokensSeen) {
            // the signature and the payload are each enough to replay or read the token
            String[] parts = seen.split("\\.");
            assertThat(log).doesNotContain(parts[1]).doesNotContain(parts[2]);
        }
        assertThat(log).doesNotContain(Keycloak.CLIENT_SECRET);
    }

    private void assertRefused(String token) {
        Api.Response refused = api.get("/api/v1/keys?size=1", token);
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).doesNotContain(token.split("\\.")[1]);
    }

    private String raiseFinding(String keyId) {
        return findings.raise(new io.keybridge.findings.NewFinding(
                        java.util.UUID.fromString(keyId),
                        io.keybridge.findings.FindingKind.OFF_HOURS,
                        io.keybridge.findings.Severity.MEDIUM,
                        "off hours, in a test",
                        Map.of(),
                        keyId + " sso " + java.util.UUID.randomUUID()))
                .orElseThrow()
                .id()
                .toString();
    }

    private String created(String token, String owner, String name) {
        Api.Response created = api.post("/api/v1/keys", token, key(owner, name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    private static Map<String, Object> key(String owner, String name) {
        String unique = unique(name);
        return Map.of(
                "name",
                unique,
                "environment",
                "live",
                "owner",
                owner,
                "scopes",
                List.of("lists:read"),
                "destinations",
                List.of(Map.of("type", "vault", "path", "sso/" + unique + "/api-key")));
    }

    private static List<String> owners(Api.Response page) {
        return owners(page.json().path("items"));
    }

    private static List<String> owners(JsonNode keys) {
        return StreamSupport.stream(keys.spliterator(), false)
                .map(key -> key.path("owner").asString())
                .toList();
    }

    private static List<String> ids(JsonNode keys) {
        return StreamSupport.stream(keys.spliterator(), false)
                .map(key -> key.path("id").asString())
                .toList();
    }
}
