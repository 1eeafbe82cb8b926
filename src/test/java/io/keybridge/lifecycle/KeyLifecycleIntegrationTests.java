package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.OpenBao;
import io.keybridge.verification.LastUseRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class KeyLifecycleIntegrationTests extends IntegrationTest {

    @Autowired
    LastUseRecorder lastUse;

    @Test
    void anIssuedKeyLandsInVaultIsReadByItsConsumerAndVerifies() {
        String path = unique("crm-sync") + "/api-key";
        Api.Response created =
                issue(unique("prod_crm_sync_revops"), "revops", path, List.of("lists:read", "leads:read"));

        assertThat(created.status()).isEqualTo(201);
        JsonNode key = created.json();
        assertThat(created.headers().get("location"))
                .containsExactly("/api/v1/keys/" + key.path("id").asString());
        assertThat(key.path("status").asString()).isEqualTo("ACTIVE");
        assertThat(key.path("prefix").asString()).matches("ee_live_[0-9A-Za-z]{4}");
        assertThat(key.path("destinations").get(0).path("ref").asString()).isEqualTo("secret/keybridge/" + path);
        assertThat(key.path("destinations").get(0).path("version").asString()).isEqualTo("1");
        assertThat(key.path("destinations").get(0).path("state").asString()).isEqualTo("CONFIRMED");
        assertThat(created.body()).doesNotContain("api_key");

        OpenBao.Cli read = bao.bao(bao.consumerToken(path), "kv", "get", "-format=json", "secret/keybridge/" + path);
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        JsonNode data = read.json().path("data").path("data");
        JsonNode metadata = read.json().path("data").path("metadata");
        String apiKey = readKeyAsConsumer(path);
        assertThat(apiKey)
                .matches("ee_live_[0-9A-Za-z]{49}")
                .startsWith(key.path("prefix").asString());
        assertThat(data.path("key_id").asString()).isEqualTo(key.path("id").asString());
        assertThat(data.path("key_prefix").asString())
                .isEqualTo(key.path("prefix").asString());
        assertThat(data.path("environment").asString()).isEqualTo("live");
        assertThat(data.path("scopes").asString()).isEqualTo("leads:read lists:read");
        assertThat(data.path("issued_at").asString()).isNotBlank();
        assertThat(metadata.path("custom_metadata").path("managed_by").asString())
                .isEqualTo("keybridge");
        assertThat(metadata.path("custom_metadata").path("owner").asString()).isEqualTo("revops");
        assertThat(metadata.path("custom_metadata").path("key_id").asString())
                .isEqualTo(key.path("id").asString());

        Api.Response verified = api.verify(VERIFIER, apiKey, List.of("lists:read"));
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.json().path("keyId").asString())
                .isEqualTo(key.path("id").asString());
        assertThat(verified.json().path("owner").asString()).isEqualTo("revops");
        assertThat(verified.json().path("environment").asString()).isEqualTo("live");
        assertThat(verified.body()).doesNotContain(apiKey.substring(12));
    }

    @Test
    void aPythonConsumerReadsItsKeyWithHvac() {
        String path = unique("signup-enrichment") + "/api-key";
        assertThat(issue(unique("prod_signup"), "growth", path, List.of("leads:write"))
                        .status())
                .isEqualTo(201);

        OpenBao.Cli read = bao.hvacRead(bao.consumerToken(path), "keybridge/" + path);

        assertThat(read.exitCode()).as(read.stderr()).isZero();
        String apiKey = read.json().path("api_key").asString();
        assertThat(apiKey).isEqualTo(readKeyAsConsumer(path));
        assertThat(api.verify(VERIFIER, apiKey, List.of("leads:write")).status())
                .isEqualTo(200);
    }

    @Test
    void aConsumerIsRefusedAnotherConsumersKey() {
        String mine = unique("dialer") + "/api-key";
        String theirs = unique("crm") + "/api-key";
        issue(unique("dialer"), "sales", mine, List.of("lists:read"));
        issue(unique("crm"), "revops", theirs, List.of("lists:read"));

        OpenBao.Cli read = bao.bao(bao.consumerToken(mine), "kv", "get", "secret/keybridge/" + theirs);

        assertThat(read.exitCode()).isNotZero();
        assertThat(read.stderr()).contains("permission denied");
    }

    @Test
    void aKeyWithoutARequiredScopeIsForbiddenAndSaysWhichScopeIsMissing() {
        String path = unique("reader") + "/api-key";
        issue(unique("reader"), "revops", path, List.of("lists:read"));
        String apiKey = readKeyAsConsumer(path);

        Api.Response refused = api.verify(VERIFIER, apiKey, List.of("lists:read", "leads:write"));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("missingScopes").toString()).isEqualTo("[\"leads:write\"]");
        assertThat(api.verify(VERIFIER, apiKey, null).status()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyIsRefusedOnTheNextRequestAndDestroyedInVault() {
        String path = unique("batch") + "/api-key";
        String id = issue(unique("batch"), "data", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String apiKey = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, apiKey, List.of()).status()).isEqualTo(200);

        Api.Response revoked =
                api.post("/api/v1/keys/" + id + "/revoke", RESPONDER, Map.of("reason", "leaked in CI log"));

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("status").asString()).isEqualTo("REVOKED");
        assertThat(revoked.json().path("revokeReason").asString()).isEqualTo("leaked in CI log");
        assertThat(revoked.json().path("destinations").get(0).path("state").asString())
                .isEqualTo("REMOVED");
        Api.Response refused = api.verify(VERIFIER, apiKey, List.of());
        assertThat(refused.status()).isEqualTo(401);
        JsonNode version = bao.metadata("keybridge/" + path)
                .json()
                .path("data")
                .path("versions")
                .path("1");
        assertThat(version.path("destroyed").asBoolean()).isTrue();
        OpenBao.Cli read = bao.bao(bao.consumerToken(path), "kv", "get", "-field=api_key", "secret/keybridge/" + path);
        assertThat(read.stdout()).doesNotContain(apiKey);

        Api.Response again = api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "again"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("revokeReason").asString()).isEqualTo("leaked in CI log");
    }

    @Test
    void everyRefusalLooksTheSameToTheCaller() {
        String path = unique("same") + "/api-key";
        String id = issue(unique("same"), "data", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String revokedKey = readKeyAsConsumer(path);
        api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "test"));
        char last = revokedKey.charAt(revokedKey.length() - 1);
        String badChecksum = revokedKey.substring(0, revokedKey.length() - 1) + (last == 'a' ? 'b' : 'a');

        List<Api.Response> refusals = List.of(
                api.verify(VERIFIER, revokedKey, List.of()),
                api.verify(VERIFIER, badChecksum, List.of()),
                api.verify(VERIFIER, "ee_live_short", List.of()),
                api.verify(VERIFIER, null, List.of()));

        assertThat(refusals).allSatisfy(response -> {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.body()).isEqualTo(refusals.getFirst().body());
        });
        assertThat(refusals.getFirst().json().path("type").asString())
                .isEqualTo("urn:keybridge:problem:invalid-api-key");
    }

    @Test
    void aKeyPastItsExpiryIsRefused() {
        String path = unique("expiring") + "/api-key";
        Instant expiresAt = clock.instant().plus(Duration.ofHours(1));
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                Map.of(
                        "name", unique("expiring"),
                        "environment", "test",
                        "owner", "qa",
                        "scopes", List.of("lists:read"),
                        "expiresAt", expiresAt.toString(),
                        "destinations", List.of(Map.of("type", "vault", "path", path))));
        assertThat(created.status()).isEqualTo(201);
        String apiKey = readKeyAsConsumer(path);
        assertThat(apiKey).startsWith("ee_test_");
        assertThat(api.verify(VERIFIER, apiKey, List.of()).status()).isEqualTo(200);

        clock.advance(Duration.ofHours(2));

        assertThat(api.verify(VERIFIER, apiKey, List.of()).status()).isEqualTo(401);
    }

    @Test
    void lastUseIsShownAndWrittenWithoutAWritePerRequest() {
        String path = unique("used") + "/api-key";
        String id = issue(unique("used"), "data", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String apiKey = readKeyAsConsumer(path);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("lastUsedAt")
                        .isNull())
                .isTrue();

        api.verify(VERIFIER, apiKey, List.of());
        Instant shown = Instant.parse(
                api.get("/api/v1/keys/" + id, AUDITOR).json().path("lastUsedAt").asString());
        lastUse.flush();

        Instant stored = jdbc.sql("SELECT last_used_at FROM api_keys WHERE id = :id")
                .param("id", java.util.UUID.fromString(id))
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
        // the database keeps microseconds
        assertThat(stored)
                .isCloseTo(shown, org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void verificationNeverTouchesTheDatabase() {
        String path = unique("hot") + "/api-key";
        issue(unique("hot"), "gateway-team", path, List.of("lists:read"));
        String apiKey = readKeyAsConsumer(path);
        long before = io.keybridge.support.faults.ConnectionCounter.fromRequests();
        api.get("/api/v1/scopes", AUDITOR);
        long afterCheapEndpoint = io.keybridge.support.faults.ConnectionCounter.fromRequests();

        for (int i = 0; i < 200; i++) {
            assertThat(api.verify(VERIFIER, apiKey, List.of("lists:read")).status())
                    .isEqualTo(200);
            assertThat(api.verify(VERIFIER, "ee_live_" + "0".repeat(49), List.of())
                            .status())
                    .isEqualTo(401);
        }

        assertThat(afterCheapEndpoint).as("the counter sees request threads").isEqualTo(before);
        assertThat(io.keybridge.support.faults.ConnectionCounter.fromRequests()).isEqualTo(before);
        api.get("/api/v1/keys?owner=gateway-team", AUDITOR);
        assertThat(io.keybridge.support.faults.ConnectionCounter.fromRequests())
                .as("a listing does use the database, so the counter works")
                .isGreaterThan(before);
    }

    @Test
    void namesAreUniquePerOwnerAmongLiveKeysAndFreedByRevocation() {
        String name = unique("prod_dialer");
        Api.Response first = issue(name, "sales", unique("dialer") + "/api-key", List.of("lists:read"));
        assertThat(first.status()).isEqualTo(201);

        Api.Response duplicate = issue(name, "sales", unique("dialer") + "/api-key", List.of("lists:read"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().path("type").asString()).isEqualTo("urn:keybridge:problem:duplicate-name");
        assertThat(issue(name, "other-team", unique("dialer") + "/api-key", List.of("lists:read"))
                        .status())
                .isEqualTo(201);

        api.post("/api/v1/keys/" + first.json().path("id").asString() + "/revoke", ADMIN, Map.of("reason", "replaced"));
        assertThat(issue(name, "sales", unique("dialer") + "/api-key", List.of("lists:read"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aPathHoldsOneLiveKeyAndCanBeReusedAfterRevocation() {
        String path = unique("shared") + "/api-key";
        Api.Response first = issue(unique("first"), "ops", path, List.of("lists:read"));
        assertThat(first.status()).isEqualTo(201);

        Api.Response second = issue(unique("second"), "ops", path, List.of("lists:read"));
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("type").asString()).isEqualTo("urn:keybridge:problem:destination-in-use");

        api.post("/api/v1/keys/" + first.json().path("id").asString() + "/revoke", ADMIN, Map.of("reason", "replace"));
        Api.Response replacement = issue(unique("replacement"), "ops", path, List.of("lists:read"));
        assertThat(replacement.status()).isEqualTo(201);
        assertThat(replacement
                        .json()
                        .path("destinations")
                        .get(0)
                        .path("version")
                        .asString())
                .isEqualTo("2");
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);
    }

    @Test
    void aKeyCanBeRenamedAndVerificationShowsTheNewName() {
        String path = unique("rename") + "/api-key";
        String id = issue(unique("my-api-key"), "growth", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String newName = unique("prod_signup_enrichment_growth");

        Api.Response renamed = api.patch("/api/v1/keys/" + id, ADMIN, Map.of("name", newName));

        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().path("name").asString()).isEqualTo(newName);
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of())
                        .json()
                        .path("name")
                        .asString())
                .isEqualTo(newName);
        String other = issue(unique("other"), "growth", unique("other") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        assertThat(api.patch("/api/v1/keys/" + other, ADMIN, Map.of("name", newName))
                        .status())
                .isEqualTo(409);
    }

    @Test
    void keysCanBeListedByFilterAndPage() {
        String owner = unique("team");
        issue(unique("a"), owner, unique("a") + "/k", List.of("lists:read"));
        issue(unique("b"), owner, unique("b") + "/k", List.of("leads:write"));
        String revoked = issue(unique("c"), owner, unique("c") + "/k", List.of("leads:write"))
                .json()
                .path("id")
                .asString();
        api.post("/api/v1/keys/" + revoked + "/revoke", ADMIN, Map.of("reason", "test"));

        JsonNode all = api.get("/api/v1/keys?owner=" + owner, AUDITOR).json();
        assertThat(all.path("totalItems").asInt()).isEqualTo(3);
        assertThat(api.get("/api/v1/keys?owner=" + owner + "&scope=leads:write", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(2);
        assertThat(api.get("/api/v1/keys?owner=" + owner + "&status=revoked", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/keys?owner=" + owner + "&environment=test", AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
        JsonNode page = api.get("/api/v1/keys?owner=" + owner + "&size=2&page=1", AUDITOR)
                .json();
        assertThat(page.path("items").size()).isEqualTo(1);
        assertThat(page.path("totalPages").asInt()).isEqualTo(2);
    }

    @Test
    void theAuditTrailRecordsManagementActionsAndRefusals() {
        String path = unique("audited") + "/api-key";
        String id = issue(unique("audited"), "sec", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        api.verify(VERIFIER, readKeyAsConsumer(path), List.of("leads:write"));
        api.post("/api/v1/keys/" + id + "/revoke", RESPONDER, Map.of("reason", "rotation drill"));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode entries =
                    api.get("/api/v1/audit?keyId=" + id, AUDITOR).json().path("items");
            List<String> actions = new java.util.ArrayList<>();
            entries.forEach(entry -> actions.add(
                    entry.path("actor").asString() + " " + entry.path("action").asString() + " "
                            + entry.path("outcome").asString()));
            assertThat(actions)
                    .contains("admin key.issue SUCCESS", "responder key.revoke SUCCESS", "gateway verify REFUSED");
        });
        JsonNode byActor = api.get("/api/v1/audit?actor=responder&action=key.revoke", AUDITOR)
                .json();
        assertThat(byActor.path("items").get(0).path("requestId").asString()).isNotBlank();
        assertThat(api.get(
                                "/api/v1/audit?keyId=" + id + "&from="
                                        + clock.instant().plusSeconds(60),
                                AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
    }
}
