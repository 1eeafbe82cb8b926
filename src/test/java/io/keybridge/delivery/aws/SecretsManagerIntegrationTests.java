package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.delivery.Intent;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.Moto;
import io.keybridge.support.OpenBao;
import io.keybridge.support.SecretHygiene;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Delivery into AWS Secrets Manager, against a real moto_server, read back with boto3 as a consumer would. */
class SecretsManagerIntegrationTests extends IntegrationTest {

    private final Moto moto = Moto.server();

    @Autowired
    private SecretsManagerDestination destination;

    @Autowired
    private KeyFormat format;

    @Test
    void aKeyDeliveredToAwsIsReadFromAwsCurrentAndVerifies() {
        String secretId = unique("aws-crm") + "/api-key";
        Api.Response created = issueToAws(secretId);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode destination = created.json().path("destinations").get(0);
        assertThat(destination.path("type").asString()).isEqualTo("aws");
        assertThat(destination.path("ref").asString()).isEqualTo("aws:secretsmanager:keybridge/" + secretId);
        JsonNode current = read(secretId, "AWSCURRENT");
        String key = current.path("value").path("api_key").asString();
        assertThat(current.path("value").path("key_id").asString())
                .isEqualTo(created.json().path("id").asString());
        assertThat(api.verify(VERIFIER, key, List.of("lists:read")).status()).isEqualTo(200);
        JsonNode described = describe(secretId);
        assertThat(described.path("tags").path("managed-by").asString()).isEqualTo("keybridge");
        assertThat(described.path("tags").path("key-id").asString())
                .isEqualTo(created.json().path("id").asString());
    }

    @Test
    void aRotationMovesAwsCurrentToTheNewKeyAndLeavesTheOldOneAsAwsPreviousDuringTheOverlap() {
        String secretId = unique("aws-rotating") + "/api-key";
        String id = issueToAws(secretId).json().path("id").asString();
        JsonNode before = read(secretId, "AWSCURRENT");
        String oldKey = before.path("value").path("api_key").asString();

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        JsonNode current = read(secretId, "AWSCURRENT");
        String newKey = current.path("value").path("api_key").asString();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(current.path("versionId").asString())
                .isNotEqualTo(before.path("versionId").asString());
        assertThat(read(secretId, "AWSPREVIOUS").path("value").path("api_key").asString())
                .isEqualTo(oldKey);
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                .as("overlap")
                .isEqualTo(200);
        assertThat(describe(secretId)
                        .path("versions")
                        .path(current.path("versionId").asString())
                        .toString())
                .doesNotContain("AWSPENDING");

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                                .isEqualTo(401));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(describe(secretId)
                                .path("versions")
                                .path(before.path("versionId").asString())
                                .size())
                        .as("the revoked version keeps no stage: no consumer reading a stage gets it")
                        .isZero());
        assertThat(read(secretId, "AWSCURRENT").path("value").path("api_key").asString())
                .isEqualTo(newKey);
    }

    @Test
    void aKeyWithAVaultAndAnAwsDestinationHasTheSameKeyAtBothAndBothRotate() {
        String path = unique("both") + "/api-key";
        Api.Response created = issueToVaultAndAws(path);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String fromVault = readKeyAsConsumer(path);
        assertThat(read(path, "AWSCURRENT").path("value").path("api_key").asString())
                .isEqualTo(fromVault);

        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"))
                        .status())
                .isEqualTo(202);

        String rotated = readKeyAsConsumer(path);
        assertThat(rotated).isNotEqualTo(fromVault);
        assertThat(read(path, "AWSCURRENT").path("value").path("api_key").asString())
                .isEqualTo(rotated);
        assertThat(api.verify(VERIFIER, rotated, List.of()).status()).isEqualTo(200);
        JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
        assertThat(key.path("destinations").size()).isEqualTo(2);
        assertThat(key.path("destinations").get(1).path("state").asString()).isEqualTo("CONFIRMED");
    }

    @Test
    void aLeftoverAwsPendingFromAnInterruptedRotationDoesNotBlockTheNextOne() {
        String secretId = unique("aws-leftover") + "/api-key";
        String id = issueToAws(secretId).json().path("id").asString();
        OpenBao.Cli leftover = moto.putPending("keybridge/" + secretId, "{\"api_key\":\"abandoned\"}");
        assertThat(leftover.exitCode()).as(leftover.stderr()).isZero();
        String abandoned = leftover.stdout().strip();

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        JsonNode versions = describe(secretId).path("versions");
        assertThat(versions.path(abandoned).toString())
                .as("the new write took AWSPENDING over: %s", versions)
                .doesNotContain("AWSPENDING");
        assertThat(versions.toString()).doesNotContain("AWSPENDING");
        String current =
                read(secretId, "AWSCURRENT").path("value").path("api_key").asString();
        assertThat(api.verify(VERIFIER, current, List.of()).status()).isEqualTo(200);
    }

    @Test
    void aKeyDeliveredToTwoRegionsHasTheSameKeyInBothAndBothRotate() {
        String secretId = unique("aws-regions") + "/api-key";
        Api.Response created = issue(List.of(
                Map.of("type", "aws", "secretId", secretId),
                Map.of("type", "aws", "secretId", secretId, "region", "eu-west-1")));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode destinations = created.json().path("destinations");
        assertThat(destinations.get(0).path("ref").asString()).isEqualTo("aws:secretsmanager:keybridge/" + secretId);
        assertThat(destinations.get(1).path("ref").asString())
                .isEqualTo("aws:secretsmanager:eu-west-1:keybridge/" + secretId);
        String home = read(secretId, "AWSCURRENT").path("value").path("api_key").asString();
        String ireland =
                readIn("eu-west-1", secretId).path("value").path("api_key").asString();
        assertThat(ireland).isEqualTo(home);
        assertThat(api.verify(VERIFIER, home, List.of()).status()).isEqualTo(200);

        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"))
                        .status())
                .isEqualTo(202);

        String rotated =
                read(secretId, "AWSCURRENT").path("value").path("api_key").asString();
        assertThat(rotated).isNotEqualTo(home);
        assertThat(readIn("eu-west-1", secretId).path("value").path("api_key").asString())
                .isEqualTo(rotated);
        assertThat(api.verify(VERIFIER, rotated, List.of()).status()).isEqualTo(200);
    }

    @Test
    void aDestinationsKmsKeyAndTagsAreGivenToItsSecret() {
        String secretId = unique("aws-kms-tags") + "/api-key";
        Api.Response created = issue(List.of(Map.of(
                "type",
                "aws",
                "secretId",
                secretId,
                "kmsKeyId",
                "alias/crm-secrets",
                "tags",
                Map.of("team", "crm", "cost center", "42"))));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode described = describe(secretId);
        assertThat(described.path("kmsKeyId").asString()).isEqualTo("alias/crm-secrets");
        assertThat(described.path("tags").path("team").asString()).isEqualTo("crm");
        assertThat(described.path("tags").path("cost center").asString()).isEqualTo("42");
        assertThat(described.path("tags").path("managed-by").asString()).isEqualTo("keybridge");
        String id = created.json().path("id").asString();
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"))
                        .status())
                .isEqualTo(202);
        assertThat(describe(secretId).path("tags").path("team").asString()).isEqualTo("crm");
    }

    @Test
    void kmsKeysAndTagsAreValidated() {
        for (Map<String, Object> destination : List.<Map<String, Object>>of(
                Map.of("type", "aws", "secretId", "x/api-key", "kmsKeyId", "not a key"),
                Map.of("type", "aws", "secretId", "x/api-key", "tags", Map.of("managed-by", "me")),
                Map.of("type", "aws", "secretId", "x/api-key", "tags", Map.of("aws:owner", "me")),
                Map.of("type", "aws", "secretId", "x/api-key", "tags", Map.of("team", "<script>")),
                Map.of("type", "vault", "path", "x/api-key", "tags", Map.of("team", "crm")))) {
            Api.Response refused = issueTo("ops", List.of(destination));
            assertThat(refused.status())
                    .as("%s: %s", destination, refused.body())
                    .isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
    }

    @Test
    void aRegionMustBeAnAwsRegionCodeAndOnlyAnAwsDestinationHasOne() {
        Api.Response badRegion = issue(List.of(Map.of("type", "aws", "secretId", "x/api-key", "region", "moon-1")));
        assertThat(badRegion.status()).as(badRegion.body()).isEqualTo(400);
        assertThat(badRegion.contentType()).startsWith("application/problem+json");
        assertThat(badRegion.json().path("detail").asString()).contains("eu-west-1");

        Api.Response vaultRegion = issue(List.of(Map.of("type", "vault", "path", "x/api-key", "region", "eu-west-1")));
        assertThat(vaultRegion.status()).as(vaultRegion.body()).isEqualTo(400);
        assertThat(vaultRegion.json().path("detail").asString())
                .contains("a vault destination has no field region (its fields: path)");
        assertThat(vaultRegion.json().path("errors").get(0).path("field").asString())
                .isEqualTo("destinations[0].region");

        Api.Response both = issue(List.of(Map.of("type", "aws", "secretId", "x/api-key", "path", "x/api-key")));
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        assertThat(both.json().path("errors").get(0).path("field").asString()).isEqualTo("destinations[0]");
    }

    @Test
    void anEmergencyRotationOfAVaultAndAwsKeyRevokesFirstThenReportsEachDestination() {
        String path = unique("both-emergency") + "/api-key";
        Api.Response created = issueToVaultAndAws(path);
        String id = created.json().path("id").asString();
        String leaked = readKeyAsConsumer(path);

        Api.Response rotated =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "pasted in a ticket"));

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, leaked, List.of()).status()).isEqualTo(401);
        JsonNode destinations = rotated.json().path("destinations");
        assertThat(destinations.size()).as(rotated.body()).isEqualTo(2);
        assertThat(destinations.get(0).path("ref").asString()).isEqualTo("secret/keybridge/" + path);
        assertThat(destinations.get(1).path("ref").asString()).isEqualTo("aws:secretsmanager:keybridge/" + path);
        destinations.forEach(
                destination -> assertThat(destination.path("state").asString()).isEqualTo("CONFIRMED"));
        assertThat(destinations.get(1).path("version").asString())
                .isEqualTo(read(path, "AWSCURRENT").path("versionId").asString());
        String replacement = readKeyAsConsumer(path);
        assertThat(read(path, "AWSCURRENT").path("value").path("api_key").asString())
                .isEqualTo(replacement)
                .isNotEqualTo(leaked);
    }

    @Test
    void aWriteRetriedWithTheSameClientRequestTokenCreatesNoSecondVersion() {
        String secretId = unique("aws-idempotent") + "/api-key";
        String id = issueToAws(secretId).json().path("id").asString();
        SecretPayload payload = newVersionOf(UUID.fromString(id));
        Intent intent = destination.prepare(secretId, payload);
        try (KeyMaterial material = format.generate(Environment.LIVE, new SecureRandom())) {
            destination.write(secretId, intent, payload, material);
            destination.write(secretId, intent, payload, material); // as after a timeout whose write had landed
        }
        destination.confirm(secretId, intent, payload);

        JsonNode versions = describe(secretId).path("versions");
        assertThat(versions.size()).as(versions.toString()).isEqualTo(2); // version 1 and this one, not a third
        assertThat(versions.path(payload.versionId().toString()).toString()).contains("AWSCURRENT");
    }

    @Test
    void aSecretKeybridgeDoesNotManageIsNeverOverwritten() {
        String secretId = unique("aws-foreign") + "/api-key";
        OpenBao.Cli created = createForeignSecret("keybridge/" + secretId);
        assertThat(created.exitCode()).as(created.stderr()).isZero();

        Api.Response refused = issueToAws(secretId);

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:keybridge:problem:path-not-managed");
        assertThat(refused.json().path("detail").asString()).contains("does not manage");
        assertThat(read(secretId, "AWSCURRENT").path("value").toString()).contains("not-a-key");
    }

    @Test
    void aPolicyRotatingFasterThanAwsAdvisesIsRefusedForAwsKeys() {
        Api.Response refused = api.post(
                "/api/v1/keys",
                ADMIN,
                Map.of(
                        "name",
                        unique("aws-fast"),
                        "environment",
                        "live",
                        "owner",
                        "ops",
                        "scopes",
                        List.of("lists:read"),
                        "rotationPolicy",
                        "fast",
                        "destinations",
                        List.of(Map.of("type", "aws", "secretId", unique("aws-fast") + "/api-key"))));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("rule").asString()).isEqualTo("too-fast-for-destination");
        assertThat(refused.json().path("detail").asString()).contains("every PT10M");

        String id =
                issueToAws(unique("aws-slow") + "/api-key").json().path("id").asString();
        Api.Response change = api.patch("/api/v1/keys/" + id, ADMIN, Map.of("rotationPolicy", "fast"));
        assertThat(change.status()).as(change.body()).isEqualTo(400);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("rotationPolicy")
                        .asString())
                .isEqualTo("default");
    }

    @Test
    void awsWriteCallsAreHeldToTheConfiguredRate() {
        SecretsManagerDestination limited = new SecretsManagerDestination(new AwsProperties(
                Moto.REGION,
                java.net.URI.create(moto.endpoint()),
                null,
                "keybridge/",
                null,
                2,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofHours(1)));
        String secretId = unique("aws-rate") + "/api-key";
        UUID keyId = UUID.randomUUID();
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) { // CreateSecret, then twice PutSecretValue + two stage moves: 7 writes
            SecretPayload payload = newVersionOf(keyId);
            Intent intent = limited.prepare(secretId, payload);
            try (KeyMaterial material = format.generate(Environment.LIVE, new SecureRandom())) {
                limited.write(secretId, intent, payload, material);
            }
            limited.confirm(secretId, intent, payload);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // 2 writes at once (the bucket starts full), then 2 per second: the other 5 need at least 2.5 s
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(2400)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void whileAwsIsDownAKeyForVaultAndAwsIsNotCreatedAndWhatReachedVaultIsRemoved() {
        String path = unique("aws-down") + "/api-key";
        Api.Response refused;
        moto.proxy().down();
        try {
            refused = issueToVaultAndAws(path);
        } finally {
            moto.proxy().up();
        }

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("detail").asString()).contains("aws:secretsmanager:keybridge/" + path);
        assertThat(bao.metadata("keybridge/" + path).status())
                .as("Vault was written first; the secret created for the key is gone again")
                .isEqualTo(404);
    }

    @Test
    void aRotationWhileAwsIsDownKeepsTheOldKeyValidAndOverdueAndCompletesWhenAwsIsBack() {
        String path = unique("aws-flaky") + "/api-key";
        Api.Response created = issueToVaultAndAws(path);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String oldKey = readKeyAsConsumer(path);

        moto.proxy().down();
        try {
            Api.Response failed = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

            assertThat(failed.status()).as(failed.body()).isEqualTo(502);
            assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                    .as("never revoked before the new key is confirmed everywhere")
                    .isEqualTo(200);
            JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
            assertThat(key.path("rotation").asString()).isEqualTo("OVERDUE");
            assertThat(key.path("rotationError").asString()).contains("aws:secretsmanager");
        } finally {
            moto.proxy().up();
        }

        Api.Response retried = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT3S"));

        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        String newKey = readKeyAsConsumer(path);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(read(path, "AWSCURRENT").path("value").path("api_key").asString())
                .isEqualTo(newKey);
        assertThat(api.verify(VERIFIER, newKey, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, oldKey, List.of()).status())
                .as("in its overlap")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("rotation")
                        .asString())
                .isEqualTo("OK");
    }

    /** A new version of the key, as a rotation would deliver it (the key material is the caller's). */
    private static SecretPayload newVersionOf(UUID keyId) {
        return new SecretPayload(
                keyId,
                UUID.randomUUID(),
                "ops",
                "ee_live_abcd",
                Environment.LIVE,
                new TreeSet<>(List.of("lists:read")),
                Instant.now(),
                null);
    }

    private Api.Response issueToVaultAndAws(String path) {
        return issueTo("ops", List.of(KeyRequests.vault(path), KeyRequests.aws(path)));
    }

    @Test
    void invalidSecretNamesAreRefusedAndChangeNothing() {
        for (String name : List.of("bad name/api-key", "../escape", "x".repeat(600), "ends-with-abcdef")) {
            Api.Response refused = issueToAws(name);
            assertThat(refused.status()).as(name).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        }
    }

    private Api.Response issue(List<? extends Map<String, ?>> destinations) {
        return issueTo("ops", destinations);
    }

    private JsonNode readIn(String region, String secretId) {
        OpenBao.Cli read = moto.read("keybridge/" + secretId, "AWSCURRENT", region);
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        return read.json();
    }

    private Api.Response issueToAws(String secretId) {
        return issueTo("ops", List.of(KeyRequests.aws(secretId)));
    }

    private JsonNode read(String secretId, String stage) {
        OpenBao.Cli read = moto.read("keybridge/" + secretId, stage);
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        JsonNode json = read.json();
        SecretHygiene.remember(json.path("value").path("api_key").asString());
        return json;
    }

    private JsonNode describe(String secretId) {
        OpenBao.Cli described = moto.describe("keybridge/" + secretId);
        assertThat(described.exitCode()).as(described.stderr()).isZero();
        return described.json();
    }

    private OpenBao.Cli createForeignSecret(String name) {
        return moto.create(name, "{\"api_key\":\"not-a-key\"}");
    }
}
