package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.Moto;
import io.keybridge.support.RecordingResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Regressions for what an attack from outside found (issue 16): each test failed on the code before its fix.
 */
class OutsideAttackIntegrationTests extends IntegrationTest {

    @AfterEach
    void heal() {
        Moto.server().faults().clear();
        if (vaultTakenDown) {
            bao.proxy().up();
            // the connections cut while Vault was down may still sit in keybridge's pool: wait until its own probe
            // (which uses that pool) sees Vault again, so that the next test starts on a healthy link
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> api.get("/actuator/health", ADMIN).status() == 200);
            vaultTakenDown = false;
        }
    }

    private boolean vaultTakenDown;

    /** Item 4: a PATCH is validated whole, then applied in one transaction, or nothing changes. */
    @Test
    void aRefusedPatchChangesNothing() {
        String name = unique("patched");
        String id = issueId(name, "patch", unique("patch") + "/k", List.of("lists:read"));

        List<Map<String, Object>> bad = List.of(
                Map.of("name", name + "-2", "rotationPolicy", "nope"),
                Map.of("name", name + "-3", "scopes", List.of("leads:write")),
                Map.of("name", name + "-4", "allowedSources", List.of("999.1.1.1")),
                Map.of("rotationPolicy", "high-risk", "scopes", List.of()));
        for (Map<String, Object> body : bad) {
            Api.Response refused = api.patch("/api/v1/keys/" + id, ADMIN, body);
            assertThat(refused.status()).as(body + ": " + refused.body()).isEqualTo(400);
        }

        JsonNode key = api.get("/api/v1/keys/" + id, ADMIN).json();
        assertThat(key.path("name").asString()).isEqualTo(name);
        assertThat(key.path("rotationPolicy").asString()).isEqualTo("default");
        assertThat(api.get("/api/v1/audit?keyId=" + id + "&size=100", AUDITOR).body())
                .doesNotContain("key.rename")
                .doesNotContain("key.rotation-policy");
    }

    /** Item 5: a scope filter or selector names a scope of the catalog; LIKE wildcards match only themselves. */
    @Test
    void wildcardsInFiltersSelectNothingTheyDoNotName() {
        String name = unique("wildXcard");
        String id = issueId(name, "wild", unique("wild") + "/k", List.of("lists:read"));
        assertThat(api.get("/api/v1/keys?q=" + name, ADMIN)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(1);

        Api.Response listed = api.get("/api/v1/keys?scope=lists%25", ADMIN);
        assertThat(listed.status()).as(listed.body()).isEqualTo(400);
        assertThat(listed.json().path("errors").path(0).path("field").asString())
                .isEqualTo("scope");
        assertThat(api.get("/api/v1/keys?q=%25&size=200", ADMIN)
                        .json()
                        .path("totalItems")
                        .asInt())
                .as("q=%% matches only names with a %% in them")
                .isZero();
        assertThat(api.get("/api/v1/keys?q=" + name.replace('X', '_'), ADMIN)
                        .json()
                        .path("totalItems")
                        .asInt())
                .as("_ matches only an underscore")
                .isZero();

        for (Boolean dryRun : new Boolean[] {true, false}) {
            Api.Response selected = api.post(
                    "/api/v1/emergency-rotations",
                    RESPONDER,
                    Map.of("selector", Map.of("scope", "%"), "reason", "typo", "dryRun", dryRun));
            assertThat(selected.status()).as(selected.body()).isEqualTo(400);
            assertThat(selected.json().path("errors").path(0).path("field").asString())
                    .isEqualTo("selector.scope");
        }
        assertThat(api.get("/api/v1/keys/" + id, ADMIN).json().path("status").asString())
                .as("nothing was contained")
                .isEqualTo("ACTIVE");
    }

    /** Item 6: option characters in a secret id are a 400, not a 500. */
    @ParameterizedTest(name = "secretId {0}")
    @ValueSource(strings = {"a?region", "a?kms", "a?tag.x", "a?", "a&b", "a?region=eu-west-1"})
    void optionCharactersInASecretIdAreRefused(String secretId) {
        Api.Response refused = issueTo("aws-ids", List.of(KeyRequests.aws(secretId)));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
    }

    /** Item 6: an AWS error without an error code fails the issuance cleanly, and the name and path are free again. */
    @Test
    void anAwsErrorWithoutACodeSettlesTheIssuanceAtOnce() {
        String name = unique("aws-nocode");
        String secretId = unique("nocode") + "/api-key";
        Map<String, Object> body = KeyRequests.key(name, "aws-nocode", null, List.of(KeyRequests.aws(secretId)));
        Moto.server().faults().refuseVault("CreateSecret", 1, 400, "no code here");

        Api.Response failed = api.post("/api/v1/keys", ADMIN, body);

        assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        assertThat(failed.json().path("type").asString()).isEqualTo("urn:keybridge:problem:delivery-failed");
        String keyId = failed.json().path("keyId").asString();
        assertThat(api.get("/api/v1/keys/" + keyId, ADMIN).json().path("status").asString())
                .isEqualTo("REVOKED");
        Api.Response again = api.post("/api/v1/keys", ADMIN, body);
        assertThat(again.status())
                .as("name and path are free again: " + again.body())
                .isEqualTo(201);
    }

    /** Item 7: with Vault unreachable, health answers 503 DOWN (with the reason for operators), never 500. */
    @Test
    void healthIsDownNotAnErrorWhileVaultIsUnreachable() throws InterruptedException {
        vaultTakenDown = true;
        bao.proxy().down();
        // the health answer is reused for 5 s: wait for one taken while Vault is down
        Api.Response anonymous = Awaitility.await("a health answer taken while Vault is down")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.get("/actuator/health", null), answer -> answer.status() != 200);

        assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(503);
        assertThat(anonymous.json().path("status").asString()).isEqualTo("DOWN");
        Api.Response admin = api.get("/actuator/health", ADMIN);
        assertThat(admin.status()).as(admin.body()).isEqualTo(503);
        assertThat(admin.json()
                        .path("components")
                        .path("destinations")
                        .path("details")
                        .path("vault")
                        .asString())
                .startsWith("DOWN: ");
    }

    /** Item 8: no value a client sends as an address is ever looked up; non-literals are refused or ignored. */
    @Test
    void addressesAreParsedStrictlyAndNeverResolved() throws UnknownHostException {
        canaryProvesLookupsAreSeen();
        String path = unique("dns") + "/k";
        Map<String, Object> body =
                new LinkedHashMap<>(KeyRequests.key(unique("dns"), "dns", null, List.of(KeyRequests.vault(path))));
        body.put("allowedSources", List.of("10.0.0.0/8"));
        assertThat(api.post("/api/v1/keys", ADMIN, body).status()).isEqualTo(201);
        String key = readKeyAsConsumer(path);

        for (String notALiteral : List.of("999.1.1.1", "010.0.0.1", "10.0.0.001", "10.1", "localhost", "[::1]")) {
            Api.Response refused = api.post(
                    "/api/v1/verify", VERIFIER, Map.of("clientAddress", notALiteral), Map.of("X-API-Key", key));
            assertThat(refused.status()).as(notALiteral + ": " + refused.body()).isEqualTo(400);
            Api.Response forwarded = api.post(
                    "/api/v1/verify", VERIFIER, Map.of(), Map.of("X-API-Key", key, "X-Forwarded-For", notALiteral));
            assertThat(forwarded.status())
                    .as("X-Forwarded-For %s is no address: the allow-list refuses", notALiteral)
                    .isEqualTo(403);
            Map<String, Object> withBadSource = new LinkedHashMap<>(body);
            withBadSource.put("name", unique("dns-bad"));
            withBadSource.put("destinations", List.of(KeyRequests.vault(unique("dns-bad") + "/k")));
            withBadSource.put("allowedSources", List.of(notALiteral + "/32"));
            assertThat(api.post("/api/v1/keys", ADMIN, withBadSource).status())
                    .as("allowedSources " + notALiteral)
                    .isEqualTo(400);
            assertThat(RecordingResolver.lookedUp(notALiteral))
                    .as("%s was looked up", notALiteral)
                    .isFalse();
        }
        assertThat(api.post(
                                "/api/v1/verify",
                                VERIFIER,
                                Map.of("clientAddress", "::ffff:10.1.2.3"),
                                Map.of("X-API-Key", key))
                        .status())
                .as("an IPv4-mapped IPv6 address is its IPv4 address")
                .isEqualTo(200);
    }

    /** Item 10: the refused-guess budget is per address, however it is spelt, and per /64 for IPv6. */
    @Test
    void spellingsOfOneAddressShareOneBudget() {
        exhaust("203.0.113.90");
        assertThat(guessFrom("::ffff:203.0.113.90").status()).isEqualTo(429);
        assertThat(guessFrom("::FFFF:cb00:715a").status()).isEqualTo(429);
        exhaust("2001:db8:77::1");
        assertThat(guessFrom("2001:db8:77::2").status()).as("the same /64").isEqualTo(429);
        assertThat(guessFrom("2001:db8:77:0:ffff::9").status())
                .as("the same /64")
                .isEqualTo(429);
        assertThat(guessFrom("2001:db8:78::1").status()).as("another /64").isEqualTo(401);
    }

    /** Item 13: errors answered outside Spring MVC are problem+json with a 4xx too. */
    @Test
    void errorsOutsideTheControllersAreProblemsToo() {
        Api.Response error = api.get("/error", ADMIN);
        assertThat(error.status()).as(error.body()).isEqualTo(404);
        assertThat(error.contentType()).startsWith("application/problem+json");
        assertThat(error.body()).doesNotContain("999");

        Api.Response nul = api.get("/api/v1/keys/%00", ADMIN);
        assertThat(nul.status()).as(nul.body()).isEqualTo(400);
        assertThat(nul.contentType()).startsWith("application/problem+json");
        assertThat(nul.body()).doesNotContain("<html");
    }

    private void exhaust(String address) {
        for (int i = 0; i < 100; i++) {
            if (guessFrom(address).status() == 429) {
                return;
            }
        }
        throw new AssertionError(address + " was never limited");
    }

    private Api.Response guessFrom(String address) {
        return api.post(
                "/api/v1/verify",
                VERIFIER,
                Map.of("clientAddress", address),
                Map.of("X-API-Key", "ee_live_" + "A".repeat(43) + "000000"));
    }

    private static void canaryProvesLookupsAreSeen() {
        String canary = "keybridge-resolver-canary.invalid";
        try {
            InetAddress.getByName(canary);
        } catch (UnknownHostException expected) {
            // .invalid never resolves
        }
        assertThat(RecordingResolver.lookedUp(canary))
                .as("the recording resolver sees lookups")
                .isTrue();
    }
}
