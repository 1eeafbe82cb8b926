package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.Moto;
import io.keybridge.support.OpenBao;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.faults.FaultProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * AWS faults moto cannot produce on its own (throttling, access denied, KMS failures, an answer lost after the write
 * landed), injected by a proxy between keybridge and a real moto_server; and the write limit under a real bulk
 * emergency rotation.
 */
class SecretsManagerFaultIntegrationTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Moto moto = Moto.server();
    private final FaultProxy aws = moto.faults();

    @AfterEach
    void noFaultsLeft() {
        aws.clear();
    }

    @Test
    void aThrottledWriteIsRetriedWithBackoffAndTheRotationCompletes() {
        String secretId = unique("aws-throttled") + "/api-key";
        String id = issueToAws(secretId, "ops").json().path("id").asString();
        String oldKey = currentKey(secretId);
        aws.refuse("PutSecretValue", 2, 400, "ThrottlingException", "Rate exceeded");

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT30S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        List<FaultProxy.Call> puts = aws.calls("PutSecretValue");
        assertThat(puts).as("two throttled attempts, then the one that landed").hasSize(3);
        assertThat(puts.stream().map(call -> token(call)).distinct()).hasSize(1);
        assertThat(Duration.between(puts.getFirst().at(), puts.getLast().at()))
                .as("the SDK backs off between attempts")
                .isPositive();
        String newKey = currentKey(secretId);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
    }

    @Test
    void throttlingThatOutlastsTheRetriesLeavesTheRotationOverdueAndTheOldKeyValidThenItCompletes() {
        String secretId = unique("aws-storm") + "/api-key";
        String id = issueToAws(secretId, "ops").json().path("id").asString();
        String oldKey = currentKey(secretId);
        aws.refuse("PutSecretValue", 20, 400, "ThrottlingException", "Rate exceeded");

        Api.Response failed = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        assertThat(failed.contentType()).startsWith("application/problem+json");
        assertThat(failed.json().path("detail").asString())
                .contains("ThrottlingException")
                .contains("keybridge.aws.writes-per-second");
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status()).isEqualTo(200);
        JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
        assertThat(key.path("rotation").asString()).isEqualTo("OVERDUE");
        assertThat(key.path("rotationError").asString()).contains("throttled");

        aws.clear();
        Api.Response retried = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT30S"));

        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(currentKey(secretId)).isNotEqualTo(oldKey);
    }

    @Test
    void accessDeniedNamesThePermissionAndThePolicyAndCreatesNothing() {
        String secretId = unique("aws-denied") + "/api-key";
        aws.refuse(
                "CreateSecret",
                1,
                400,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/keybridge is not authorized to perform:"
                        + " secretsmanager:CreateSecret");

        Api.Response refused = issueToAws(secretId, "ops");

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString())
                .contains("may not call secretsmanager:CreateSecret on keybridge/" + secretId)
                .contains("policies/aws/keybridge-iam.json");
        assertThat(aws.calls("CreateSecret")).as("a refusal is not retried").hasSize(1);
        OpenBao.Cli described = moto.describe("keybridge/" + secretId);
        assertThat(described.exitCode()).as("nothing was created").isNotZero();
        assertThat(described.stderr()).contains("ResourceNotFoundException");
    }

    @Test
    void aKmsFailureSaysWhatTheKmsKeyNeeds() {
        String secretId = unique("aws-kms") + "/api-key";
        aws.refuse(
                "CreateSecret",
                1,
                400,
                "EncryptionFailure",
                "Secrets Manager can't encrypt the protected secret text using the provided KMS key.");

        Api.Response refused = issueToAws(secretId, "ops");

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.json().path("detail").asString()).contains("KMS key").contains("kms:GenerateDataKey");
    }

    @Test
    void aPutSecretValueWhoseAnswerIsLostIsRetriedWithTheSameTokenAndMakesNoSecondVersion() {
        String secretId = unique("aws-lost-answer") + "/api-key";
        String id = issueToAws(secretId, "ops").json().path("id").asString();
        // the write lands at moto, but its answer comes after keybridge's 2 s attempt timeout
        aws.delay("PutSecretValue", Duration.ofSeconds(4));

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT30S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        List<FaultProxy.Call> puts = aws.calls("PutSecretValue");
        assertThat(puts).as("the timed-out attempt and its retry").hasSize(2);
        assertThat(token(puts.get(0))).isEqualTo(token(puts.get(1)));
        JsonNode versions = describe(secretId).path("versions");
        assertThat(versions.size())
                .as("version 1 and the new one, not a third: %s", versions)
                .isEqualTo(2);
        assertThat(versions.path(token(puts.get(0))).toString()).contains("AWSCURRENT");
        assertThat(api.verify(VERIFIER, currentKey(secretId), List.of()).status())
                .isEqualTo(200);
    }

    @Test
    void aBulkEmergencyRotationOfAwsKeysQueuesItsWritesWithinTheLimit() {
        int keys = 12;
        int perSecond = 10; // keybridge.aws.writes-per-second in the integration tests
        String team = unique("aws-team");
        List<String> secretIds = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String secretId = unique("aws-bulk") + "/api-key";
            assertThat(issueToAws(secretId, team).status()).isEqualTo(201);
            secretIds.add(secretId);
        }
        List<String> leaked = secretIds.stream().map(this::currentKey).toList();
        aws.clear();

        Api.Response started = api.post(
                "/api/v1/emergency-rotations",
                RESPONDER,
                Map.of("selector", Map.of("owner", team), "reason", "team's AWS keys leaked"));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        leaked.forEach(
                key -> assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401));
        String run = started.headers().get("location").getFirst();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode progress = api.get(run, AUDITOR).json();
            assertThat(progress.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(progress.path("delivered").asInt()).isEqualTo(keys);
        });
        for (int i = 0; i < keys; i++) {
            String replacement = currentKey(secretIds.get(i));
            assertThat(replacement).isNotEqualTo(leaked.get(i));
            assertThat(api.verify(VERIFIER, replacement, List.of()).status()).isEqualTo(200);
        }
        Set<String> writeOperations = Set.of("PutSecretValue", "UpdateSecretVersionStage", "TagResource");
        List<Instant> writes = aws.calls().stream()
                .filter(call -> writeOperations.contains(call.operation()))
                .map(FaultProxy.Call::at)
                .sorted()
                .toList();
        assertThat(writes.size()).as("a put and stage moves per key").isGreaterThanOrEqualTo(3 * keys);
        int busiestSecond = 0;
        for (Instant start : writes) {
            Instant end = start.plusSeconds(1);
            busiestSecond = Math.max(busiestSecond, (int) writes.stream()
                    .filter(at -> !at.isBefore(start) && at.isBefore(end))
                    .count());
        }
        // a burst of a quarter of the rate, then the refill: never more than 1.25 times the rate in any second (+2 for
        // the jitter between taking a token and arriving here); without the limit all of them arrive within a second
        assertThat(busiestSecond).as("writes in the busiest second").isLessThanOrEqualTo(perSecond + perSecond / 4 + 2);
        Duration spread = Duration.between(writes.getFirst(), writes.getLast());
        assertThat(spread.toMillis())
                .as("%d writes at %d/s after a burst of %d", writes.size(), perSecond, perSecond)
                .isGreaterThanOrEqualTo((writes.size() - perSecond) * 1000L / perSecond - 200);
        System.out.printf(
                "bulk AWS emergency: %d keys, %d writes over %d ms, busiest second %d%n",
                keys, writes.size(), spread.toMillis(), busiestSecond);
    }

    @Test
    void aBulkEmergencyRotationWhoseAwsRefusesSomeSecretsDeliversTheOthersInSharedBatches() {
        int keys = 12;
        String team = unique("aws-half-refused");
        String folder = unique("aws-mixed");
        List<String> ids = new ArrayList<>();
        List<String> secretIds = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String secretId = folder + (refused(i) ? "/refused/" : "/delivered/") + i + "/api-key";
            Api.Response issued = issueToAws(secretId, team);
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            ids.add(issued.json().path("id").asString());
            secretIds.add(secretId);
        }
        List<String> leaked = secretIds.stream().map(this::currentKey).toList();
        aws.clear();
        RotationBatches before = rotationBatches();
        aws.refuseWhere(
                "PutSecretValue",
                "/refused/",
                400,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/keybridge is not authorized to perform:"
                        + " secretsmanager:PutSecretValue");

        Api.Response started = api.post(
                "/api/v1/emergency-rotations",
                RESPONDER,
                Map.of("selector", Map.of("owner", team), "reason", "team's AWS keys leaked"));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String run = started.headers().get("location").getFirst();
        int refusedKeys = (int) IntStream.range(0, keys)
                .filter(SecretsManagerFaultIntegrationTests::refused)
                .count();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode progress = api.get(run, AUDITOR).json();
            assertThat(progress.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(progress.path("delivered").asInt()).isEqualTo(keys - refusedKeys);
            assertThat(progress.path("failed").asInt()).isEqualTo(refusedKeys);
        });
        RotationBatches after = rotationBatches();
        RotationBatches shared = after.since(before);
        assertThat(shared.rotations())
                .as("every replacement went through a batch")
                .isGreaterThanOrEqualTo(keys);
        assertThat(shared.batches())
                .as("fewer batches than rotations: the AWS calls of one batch were shared")
                .isLessThan(shared.rotations());
        for (int i = 0; i < keys; i++) {
            assertThat(api.verify(VERIFIER, leaked.get(i), List.of()).status())
                    .as("contained, delivered or not")
                    .isEqualTo(401);
            JsonNode key = api.get("/api/v1/keys/" + ids.get(i), AUDITOR).json();
            if (refused(i)) {
                assertThat(key.path("rotationError").asString()).contains("may not call secretsmanager:PutSecretValue");
                assertThat(key.path("nextRotationAt").isNull())
                        .as("a retry is planned")
                        .isFalse();
                assertThat(currentKey(secretIds.get(i)))
                        .as("AWS still holds the contained key: nothing was written")
                        .isEqualTo(leaked.get(i));
            } else {
                String replacement = currentKey(secretIds.get(i));
                assertThat(replacement).isNotEqualTo(leaked.get(i));
                assertThat(api.verify(VERIFIER, replacement, List.of()).status())
                        .isEqualTo(200);
                assertThat(key.path("rotationError").isNull()).isTrue();
            }
        }
        assertThat(aws.calls("PutSecretValue").stream().filter(call -> call.status() == 400))
                .as("a refusal is not retried at once: one refused write per refused key")
                .hasSize(refusedKeys);

        aws.clear();
        Api.Response retried = api.post("/api/v1/keys/" + ids.getFirst() + "/rotate", ADMIN, Map.of());
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(api.verify(VERIFIER, currentKey(secretIds.getFirst()), List.of())
                        .status())
                .as("the refused key delivers once AWS lets it")
                .isEqualTo(200);
    }

    private static boolean refused(int i) {
        return i % 4 == 0;
    }

    @Test
    void whenAwsFailsAtTheOverlapsEndTheOldKeyIsRevokedAnywayAndItsLabelRemovedOnceAwsIsBack() {
        String secretId = unique("aws-overlap-end") + "/api-key";
        String id = issueToAws(secretId, "ops").json().path("id").asString();
        String oldKey = currentKey(secretId);
        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT2S"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        String newKey = currentKey(secretId);
        // removal begins by reading the secret's stages: AWS answers 503 to that until cleared
        aws.clear(); // the calls so far: issuing and rotating read the secret too
        aws.refuse("DescribeSecret", 1_000, 503, "ServiceUnavailableException", "Service unavailable");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                aws.calls("DescribeSecret").stream().filter(call -> call.status() == 503))
                        .as("the overlap's end, refused (the SDK tries three times)")
                        .hasSizeGreaterThanOrEqualTo(3));
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                .as("revoked at the overlap's end, whatever AWS says")
                .isEqualTo(401);
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
        assertThat(latestRotationState(id))
                .as("not complete while AWS keeps the old label")
                .isEqualTo("REVOKING");

        aws.clear();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(latestRotationState(id)).isEqualTo("COMPLETED"));
        JsonNode stages = describe(secretId).path("VersionIdsToStages");
        assertThat(stages.toString())
                .as("AWSPREVIOUS taken off the old version")
                .doesNotContain("AWSPREVIOUS");
        assertThat(currentKey(secretId)).isEqualTo(newKey);
    }

    @Test
    void anEmergencyRotationWhileAwsIsUnreachableStopsTheOldKeyAtOnceAndARetryDeliversTheNewOne() {
        String secretId = unique("aws-emergency") + "/api-key";
        String id = issueToAws(secretId, "ops").json().path("id").asString();
        String leaked = currentKey(secretId);
        moto.proxy().down();
        Api.Response answer;
        try {
            answer = api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "leaked"));
        } finally {
            moto.proxy().up();
        }

        assertThat(answer.status()).as(answer.body()).isEqualTo(502);
        assertThat(api.verify(VERIFIER, leaked, List.of()).status())
                .as("containment does not wait for AWS")
                .isEqualTo(401);
        Api.Response retried =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "leaked"));
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        String fresh = currentKey(secretId);
        assertThat(fresh).isNotEqualTo(leaked);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
    }

    private static String token(FaultProxy.Call call) {
        return JSON.readTree(call.body()).path("ClientRequestToken").asString();
    }

    private Api.Response issueToAws(String secretId, String owner) {
        return issueTo(owner, List.of(KeyRequests.aws(secretId)));
    }

    private String currentKey(String secretId) {
        OpenBao.Cli read = moto.read("keybridge/" + secretId, "AWSCURRENT");
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        String key = read.json().path("value").path("api_key").asString();
        SecretHygiene.remember(key);
        return key;
    }

    private JsonNode describe(String secretId) {
        OpenBao.Cli described = moto.describe("keybridge/" + secretId);
        assertThat(described.exitCode()).as(described.stderr()).isZero();
        return described.json();
    }
}
