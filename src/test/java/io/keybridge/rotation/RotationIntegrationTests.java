package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.delivery.StepReached;
import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Rotation against the real OpenBao and Quartz's JDBC job store, with policies of seconds. */
class RotationIntegrationTests extends IntegrationTest {

    @Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    private io.keybridge.cluster.ClusterNode node;

    @Autowired
    private RotationCoordinator coordinator;

    @Test
    void aManualRotationDeliversANewVersionBothVerifyDuringTheOverlapThenTheOldIsRevoked() {
        String path = unique("rotating") + "/api-key";
        String id = issue(unique("rotating"), "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String oldKey = readKeyAsConsumer(path);

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        JsonNode rotation = rotated.json();
        assertThat(rotation.path("trigger").asString()).isEqualTo("MANUAL");
        assertThat(rotation.path("state").asString()).isEqualTo("OVERLAP");
        assertThat(rotation.path("toVersion").asInt()).isEqualTo(2);
        String newKey = readKeyAsConsumer(path);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(api.verify(VERIFIER, newKey, List.of("lists:read")).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, oldKey, List.of("lists:read")).status())
                .as("the old key verifies during the overlap")
                .isEqualTo(200);
        JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
        assertThat(key.path("currentVersion").asInt()).isEqualTo(2);
        assertThat(newKey).startsWith(key.path("prefix").asString());
        assertThat(key.path("destinations").get(0).path("version").asString()).isEqualTo("2");

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                                .isEqualTo(401));
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(bao.metadata("keybridge/" + path)
                                .json()
                                .path("data")
                                .path("versions")
                                .path("1")
                                .path("destroyed")
                                .asBoolean())
                        .as("the default policy destroys the old version at Vault")
                        .isTrue());
        JsonNode history = api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
        assertThat(history.get(0).path("state").asString()).isEqualTo("COMPLETED");
        assertThat(history.get(0).path("oldRevokedAt").isNull()).isFalse();
    }

    @Test
    void anEmergencyRotationRevokesTheLeakedKeyBeforeAnsweringThenDeliversANewOne() {
        String path = unique("leaked") + "/api-key";
        String id = issue(unique("leaked"), "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String leaked = readKeyAsConsumer(path);

        Api.Response response = api.post(
                "/api/v1/keys/" + id + "/emergency-rotate",
                RESPONDER,
                Map.of("reason", "key pasted in a public channel", "incident", "INC-4242"));

        assertThat(api.verify(VERIFIER, leaked, List.of()).status()).isEqualTo(401);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode rotation = response.json();
        assertThat(rotation.path("trigger").asString()).isEqualTo("EMERGENCY");
        assertThat(rotation.path("reason").asString())
                .contains("public channel")
                .contains("INC-4242");
        Instant revokedAt = Instant.parse(rotation.path("oldRevokedAt").asString());
        Instant confirmedAt = Instant.parse(rotation.path("confirmedAt").asString());
        assertThat(revokedAt).isBeforeOrEqualTo(confirmedAt);
        String replacement = readKeyAsConsumer(path);
        assertThat(replacement).isNotEqualTo(leaked);
        assertThat(api.verify(VERIFIER, replacement, List.of("lists:read")).status())
                .isEqualTo(200);
        assertThat(bao.metadata("keybridge/" + path)
                        .json()
                        .path("data")
                        .path("versions")
                        .path("1")
                        .path("destroyed")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void emergencyRotationNeedsAReasonAndAResponderOrAdmin() {
        String id = issue(unique("guarded"), "ops", unique("guarded") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        assertThat(api.post("/api/v1/keys/" + id + "/emergency-rotate", ADMIN, Map.of())
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/keys/" + id + "/emergency-rotate", AUDITOR, Map.of("reason", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", RESPONDER, Map.of())
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/keys/" + id, ADMIN)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void theNewKeyVerifiesTheMomentItLandsAtTheDestinationBeforeKeybridgeHasConfirmedIt() {
        String path = unique("landing") + "/api-key";
        String id = issue(unique("landing"), "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String oldKey = readKeyAsConsumer(path);
        List<String> seenAtWrite = new java.util.concurrent.CopyOnWriteArrayList<>();
        probe.at(StepReached.Step.WRITTEN, step -> {
            if (step.keyId().toString().equals(id)) {
                // written at Vault, not yet confirmed or activated: a consumer reading now gets the new key
                String landed = readKeyAsConsumer(path);
                seenAtWrite.add(landed.equals(oldKey) ? "old key" : "new key");
                seenAtWrite.add(
                        "verify " + api.verify(VERIFIER, landed, List.of()).status());
                seenAtWrite.add("old key verify "
                        + api.verify(VERIFIER, oldKey, List.of()).status());
            }
        });

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        assertThat(seenAtWrite).containsExactly("new key", "verify 200", "old key verify 200");
    }

    @Test
    void expiryDrivenRotationReplacesAVersionBeforeItExpires() {
        String path = unique("expiring") + "/api-key";
        Instant issuedAt = Instant.now();
        String id = createWithPolicy(path, "expiring");
        String first = readKeyAsConsumer(path);
        String firstExpiry = bao.root("GET", "secret/data/keybridge/" + path, null)
                .json()
                .path("data")
                .path("data")
                .path("expires_at")
                .asString();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode history =
                    api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
            assertThat(history.size()).isGreaterThanOrEqualTo(1);
            assertThat(history.get(history.size() - 1).path("state").asString()).isIn("OVERLAP", "COMPLETED");
        });
        JsonNode history = api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
        JsonNode firstRotation = history.get(history.size() - 1);
        assertThat(firstRotation.path("trigger").asString()).isEqualTo("EXPIRY");
        Instant started = Instant.parse(firstRotation.path("startedAt").asString());
        assertThat(started)
                .as("due 6 s before version 1 expires, 10 s after issue")
                .isBetween(issuedAt.plusSeconds(3), issuedAt.plusSeconds(8));
        assertThat(firstExpiry)
                .as("version 1 carries its lifetime to the consumer")
                .isNotBlank();
        assertThat(Instant.parse(firstExpiry)).isBetween(issuedAt.plusSeconds(9), issuedAt.plusSeconds(11));
        assertThat(Instant.parse(firstRotation.path("confirmedAt").asString()))
                .as("the replacement is confirmed before the old version expires")
                .isBefore(Instant.parse(firstExpiry));
        String second = readKeyAsConsumer(path);
        assertThat(second).isNotEqualTo(first);
        assertThat(api.verify(VERIFIER, second, List.of()).status()).isEqualTo(200);
        api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "stop the schedule"));
    }

    @Test
    void aScheduledRotationFiresAndTheConsumerGetsTheNewKey() {
        String path = unique("scheduled") + "/api-key";
        String id = createWithPolicy(path, "fast");
        JsonNode created = api.get("/api/v1/keys/" + id, AUDITOR).json();
        assertThat(created.path("rotationPolicy").asString()).isEqualTo("fast");
        assertThat(created.path("nextRotationAt").isNull()).isFalse();
        String first = readKeyAsConsumer(path);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode history =
                    api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
            assertThat(history.size()).isGreaterThanOrEqualTo(1);
            assertThat(history.get(history.size() - 1).path("trigger").asString())
                    .isEqualTo("SCHEDULED");
            assertThat(history.get(history.size() - 1).path("state").asString()).isIn("OVERLAP", "COMPLETED");
        });
        String second = readKeyAsConsumer(path);
        assertThat(second).isNotEqualTo(first);
        assertThat(api.verify(VERIFIER, second, List.of()).status()).isEqualTo(200);
        api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "stop the schedule"));
    }

    /**
     * One due key that cannot even start its rotation (its policy file is gone) does not hold up the look-up: it is
     * put off with the reason recorded, and the key due beside it rotates.
     */
    @Test
    void aDueKeyThatCannotStartItsRotationIsPutOffAndTheKeyDueBesideItRotates() {
        String goodPath = unique("due-good") + "/api-key";
        String good = createWithPolicy(goodPath, "fast");
        UUID bad = UUID.fromString(createWithPolicy(unique("due-bad") + "/api-key", "fast"));
        jdbc.sql("UPDATE api_keys SET rotation_policy = 'vanished' WHERE id = :id")
                .param("id", bad)
                .update();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode history =
                        api.get("/api/v1/keys/" + good + "/rotations", AUDITOR).json();
                assertThat(history.size()).isGreaterThanOrEqualTo(1);
                assertThat(history.get(history.size() - 1).path("state").asString())
                        .isIn("OVERLAP", "COMPLETED");
                assertThat(jdbc.sql("SELECT rotation_error FROM api_keys WHERE id = :id")
                                .param("id", bad)
                                .query(String.class)
                                .optional())
                        .hasValueSatisfying(error -> assertThat(error)
                                .contains("rotation could not start")
                                .contains("'vanished'"));
            });
            Instant putOffUntil = jdbc.sql("SELECT next_rotation_at FROM api_keys WHERE id = :id")
                    .param("id", bad)
                    .query((rs, row) -> rs.getTimestamp(1).toInstant())
                    .single();
            assertThat(putOffUntil).as("put off, not looked up again at once").isAfter(clock.instant());
            assertThat(jdbc.sql("SELECT COUNT(*) FROM rotations WHERE key_id = :id")
                            .param("id", bad)
                            .query(Long.class)
                            .single())
                    .isZero();
        } finally {
            jdbc.sql("UPDATE api_keys SET rotation_policy = 'fast' WHERE id = :id")
                    .param("id", bad)
                    .update();
            api.post("/api/v1/keys/" + bad + "/revoke", ADMIN, Map.of("reason", "test over"));
            api.post("/api/v1/keys/" + good + "/revoke", ADMIN, Map.of("reason", "test over"));
        }
    }

    @Test
    void aRotationThatCannotBeDeliveredLeavesTheOldKeyValidAndTheKeyOverdueUntilARetrySucceeds() {
        String path = unique("flaky") + "/api-key";
        String id = issue(unique("flaky"), "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String current = readKeyAsConsumer(path);
        bao.denyKeybridge(path);
        try {
            Api.Response failed = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

            assertThat(failed.status()).isEqualTo(502);
            assertThat(failed.json().path("type").asString()).isEqualTo("urn:keybridge:problem:rotation-failed");
            assertThat(failed.json().path("detail").asString())
                    .contains("permission denied")
                    .contains("unchanged");
            assertThat(api.verify(VERIFIER, current, List.of()).status())
                    .as("the old version is never revoked before a new one is confirmed")
                    .isEqualTo(200);
            JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
            assertThat(key.path("rotation").asString()).isEqualTo("OVERDUE");
            assertThat(key.path("rotationError").asString()).contains("permission denied");
            assertThat(key.path("currentVersion").asInt()).isEqualTo(1);
            assertThat(Instant.parse(key.path("nextRotationAt").asString()))
                    .as("a retry is scheduled with back-off")
                    .isAfter(Instant.now())
                    .isBefore(Instant.now().plus(Duration.ofMinutes(2)));
            assertThat(bao.metadata("keybridge/" + path)
                            .json()
                            .path("data")
                            .path("current_version")
                            .asInt())
                    .isEqualTo(1);
            assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR)
                            .json()
                            .get(0)
                            .path("state")
                            .asString())
                    .isEqualTo("FAILED");
        } finally {
            bao.restoreDenials();
        }

        Api.Response retried = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.json().path("toVersion").asInt()).isEqualTo(3); // version 2 was revoked unpublished
        JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
        assertThat(key.path("rotation").asString()).isEqualTo("OK");
        assertThat(key.path("rotationError").isNull()).isTrue();
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);
        assertThat(api.verify(VERIFIER, current, List.of()).status())
                .as("still in its overlap")
                .isEqualTo(200);
    }

    @Test
    void aVersionThatWillExpireBeforeItsReplacementCanBeDeliveredIsCountedAndAudited() {
        String path = unique("at-risk") + "/api-key";
        String id = createWithPolicy(path, "expiring"); // version 1 expires 10 s from now
        double before = meters.counter("keybridge.rotation.expiry-at-risk").count();
        bao.denyKeybridge(path);
        try {
            Api.Response failed = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

            assertThat(failed.status()).isEqualTo(502); // the retry comes 30 s later, after version 1 expired
        } finally {
            bao.restoreDenials();
            api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "stop the schedule"));
        }
        assertThat(meters.counter("keybridge.rotation.expiry-at-risk").count()).isEqualTo(before + 1);
        assertThat(jdbc.sql(
                                "SELECT detail FROM audit_events WHERE key_id = :id AND action = 'key.rotate.expiry-at-risk'")
                        .param("id", UUID.fromString(id))
                        .query(String.class)
                        .list())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("version 1 expires at")
                .contains("before its replacement can be delivered");
        assertThat(meters.counter("keybridge.rotations", "trigger", "MANUAL", "outcome", "failed")
                        .count())
                .isPositive();
    }

    @Test
    void drainGatedRevocationRevokesTheOldKeyEarlyOnceTheNewOneIsUsedAndTheOldOneQuiet() {
        String path = unique("drained") + "/api-key";
        String id = createWithPolicy(path, "drain");
        String oldKey = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        Instant confirmed = Instant.now();
        String newKey = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);

        // poll the rotation, not the old key: verifying the old key is using it
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR)
                                .json()
                                .path(0)
                                .path("state")
                                .asString())
                        .isEqualTo("COMPLETED"));
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status()).isEqualTo(401);
        assertThat(Duration.between(confirmed, Instant.now()))
                .as("revoked well before the 12 s overlap ends")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
    }

    @Test
    void anOldKeyStillInUseLivesUntilTheOverlapEndsEvenWhenDrainGated() throws InterruptedException {
        String path = unique("busy-old") + "/api-key";
        String id = createWithPolicy(path, "drain");
        String oldKey = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        Instant confirmed = Instant.now();
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);

        // the consumer keeps using the old key every 250 ms, so it never falls quiet: only the overlap's end (12 s)
        // may revoke it
        await("revoked when the overlap ended")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.verify(VERIFIER, oldKey, List.of()).status() == 401);
        Instant refused = Instant.now();
        assertThat(Duration.between(confirmed, refused))
                .as("a consumer still using the old key keeps it alive until the overlap ends")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(11));
    }

    private String createWithPolicy(String path, String policy) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                Map.of(
                        "name",
                        unique(policy),
                        "environment",
                        "live",
                        "owner",
                        "ops",
                        "scopes",
                        List.of("lists:read"),
                        "rotationPolicy",
                        policy,
                        "destinations",
                        List.of(Map.of("type", "vault", "path", path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    @Autowired
    RotationReconciler reconciler;

    @Test
    void theReconcilerEndsAnOverlapWhoseTriggerWasLost() {
        String path = unique("stranded") + "/api-key";
        String id = issue(unique("stranded"), "ops", path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String oldKey = readKeyAsConsumer(path);
        String rotationId = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT1H"))
                .json()
                .path("id")
                .asString();
        // the overlap "ended" long ago and its trigger was lost
        jdbc.sql("UPDATE rotations SET retire_at = :past WHERE id = :id")
                .param("past", OffsetDateTime.now(ZoneOffset.UTC).minusHours(2))
                .param("id", UUID.fromString(rotationId))
                .update();
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status()).isEqualTo(200);

        assertThat(reconciler.reconcile()).isGreaterThanOrEqualTo(1);

        assertThat(api.verify(VERIFIER, oldKey, List.of()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR)
                        .json()
                        .path(0)
                        .path("state")
                        .asString())
                .isEqualTo("COMPLETED");
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);
    }

    @Test
    void aSecondRotationWhileOneIsDeliveringIsRefused() {
        String id = issue(unique("busy"), "ops", unique("busy") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        UUID keyId = UUID.fromString(id);
        // a rotation delivering on a live node (this one: on PostgreSQL, the cluster's orphan check would otherwise
        // settle a rotation of no known node before the request, and the test would race it) holds the rotation slot
        jdbc.sql("""
                INSERT INTO rotations (id, key_id, trigger_type, actor, from_version, state, overlap_seconds, started_at,
                                       active_key_id, node)
                VALUES (:id, :keyId, 'SCHEDULED', 'scheduler', 1, 'DELIVERING', 60, :now, :keyId, :node)""")
                .param("id", UUID.randomUUID())
                .param("keyId", keyId)
                .param("node", node.id())
                .param("now", OffsetDateTime.now(ZoneOffset.UTC))
                .update();

        Api.Response response = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().path("type").asString()).isEqualTo("urn:keybridge:problem:rotation-in-progress");
        jdbc.sql("UPDATE rotations SET state = 'FAILED', active_key_id = NULL WHERE key_id = :keyId")
                .param("keyId", keyId)
                .update();
    }

    @Test
    void anOverlapBelowTheMinimumIsRefusedAndChangesNothing() {
        String id = issue(unique("short"), "ops", unique("short") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        Api.Response response = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT0.5S"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("detail").asString()).contains("minimum-overlap");
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", ADMIN).json().size())
                .isZero();
    }

    @Test
    void theRotationPolicyCanBeChangedAndUnknownPoliciesAreRefused() {
        String id = issue(unique("policy"), "ops", unique("policy") + "/k", List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        Instant before = Instant.parse(api.get("/api/v1/keys/" + id, ADMIN)
                .json()
                .path("nextRotationAt")
                .asString());

        Api.Response unknown = api.patch("/api/v1/keys/" + id, ADMIN, Map.of("rotationPolicy", "hourly"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("errors").get(0).path("rule").asString()).isEqualTo("unknown-policy");

        Api.Response changed = api.patch("/api/v1/keys/" + id, ADMIN, Map.of("rotationPolicy", "soft"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("rotationPolicy").asString()).isEqualTo("soft");
        assertThat(Instant.parse(changed.json().path("nextRotationAt").asString()))
                .isBefore(before);
        assertThat(api.patch("/api/v1/keys/" + id, ADMIN, Map.of()).status()).isEqualTo(400);
    }

    @Test
    void aSoftDeletePolicyLeavesTheOldVersionRecoverableAtVault() {
        String path = unique("soft") + "/api-key";
        String id = createWithPolicy(path, "soft");
        readKeyAsConsumer(path);

        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        readKeyAsConsumer(path);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode version = bao.metadata("keybridge/" + path)
                    .json()
                    .path("data")
                    .path("versions")
                    .path("1");
            assertThat(version.path("deletion_time").asString()).isNotBlank();
            assertThat(version.path("destroyed").asBoolean()).isFalse();
        });
    }

    /**
     * Quartz runs a rotation job again when the node that ran it stopped before recording it done: on another node, or
     * on the same one after a restart. For a key whose policy plans no further rotation (a cron that fires no more),
     * such a stale firing rotated the key a second time: the stale-firing check only compared a planned instant.
     * Found by the cluster test's rolling restart ("keys rotated twice").
     */
    @Test
    void aStaleFiringRotatesNothingWhenNoRotationIsPlanned() {
        String path = unique("finished-cron") + "/api-key";
        String id = createWithPolicy(path, "finished-cron");
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("nextRotationAt")
                        .isNull())
                .as("a cron that fires no more plans nothing")
                .isTrue();

        coordinator.rotateWhenDue(UUID.fromString(id)); // the firing Quartz recovers after a stop
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json().size())
                .as("rotations after a stale firing of a key with nothing planned")
                .isZero();

        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        coordinator.rotateWhenDue(UUID.fromString(id)); // the job that ran it, fired again
        JsonNode history = api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
        assertThat(history.size())
                .as("rotations after a stale firing following a rotation")
                .isEqualTo(1);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(2);
    }

    /**
     * The lost-version check re-delivers a key whose version a destination lost. A rotation that starts and confirms
     * between the check's last look and its re-delivery has replaced the lost version already: re-delivering then
     * rotated the key a second time. The re-delivery names the version it replaces and is refused under the key's
     * lock when that is no longer the current one.
     */
    @Test
    void aLostVersionThatARotationReplacedMeanwhileIsNotRotatedAgain() {
        String path = unique("lost-replaced") + "/api-key";
        String id = createWithPolicy(path, "default");
        UUID keyId = UUID.fromString(id);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202); // version 2 replaced version 1 after the check found version 1 lost

        assertThat(coordinator.replaceLost(keyId, "keybridge", 1)).isFalse();
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json().size())
                .as("rotations after re-delivering a version replaced meanwhile")
                .isEqualTo(1);

        assertThat(coordinator.replaceLost(keyId, "keybridge", 2)).isTrue();
        JsonNode history = api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json();
        assertThat(history.size()).isEqualTo(2);
        assertThat(history.get(0).path("reason").asString()).isEqualTo("version 2 lost at a destination");
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(3);
    }
}
