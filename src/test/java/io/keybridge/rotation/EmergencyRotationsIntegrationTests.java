package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** "This team's keys leaked": contain every selected key at once, then re-issue each exactly once, and no other. */
class EmergencyRotationsIntegrationTests extends IntegrationTest {

    private static final int TEAM_KEYS = 200;

    @Test
    void aBulkRunContainsEverySelectedKeyBeforeAnsweringAndReissuesEachExactlyOnce() {
        String team = unique("leaky-team");
        List<String> paths = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TEAM_KEYS; i++) {
            String path = unique("bulk") + "/api-key";
            ids.add(issue(unique("bulk"), team, path, List.of("lists:read"))
                    .json()
                    .path("id")
                    .asString());
            paths.add(path);
        }
        List<String> leaked = paths.stream().map(this::readKeyOverHttp).toList();
        assertThat(readKeyAsConsumer(paths.getFirst())).isEqualTo(leaked.getFirst());
        String bystanderPath = unique("bystander") + "/api-key";
        issue(unique("bystander"), unique("other-team"), bystanderPath, List.of("lists:read"));
        String bystander = readKeyAsConsumer(bystanderPath);

        Api.Response dryRun = api.post(
                "/api/v1/emergency-rotations",
                RESPONDER,
                Map.of("selector", Map.of("owner", team), "reason", "team token leaked", "dryRun", true));
        assertThat(dryRun.status()).isEqualTo(200);
        assertThat(dryRun.json().path("total").asInt()).isEqualTo(TEAM_KEYS);
        assertThat(api.verify(VERIFIER, leaked.getFirst(), List.of()).status())
                .as("a dry run changes nothing")
                .isEqualTo(200);

        Api.Response started = api.post(
                "/api/v1/emergency-rotations",
                RESPONDER,
                Map.of("selector", Map.of("owner", team), "reason", "team token leaked"));

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().path("containedAt").isNull()).isFalse();
        for (String key : leaked) {
            assertThat(api.verify(VERIFIER, key, List.of()).status())
                    .as("contained before the answer")
                    .isEqualTo(401);
        }
        assertThat(api.verify(VERIFIER, bystander, List.of()).status()).isEqualTo(200);
        String run = started.headers().get("location").getFirst();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode progress = api.get(run, AUDITOR).json();
            assertThat(progress.path("state").asString()).isEqualTo("COMPLETED");
            assertThat(progress.path("delivered").asInt()).isEqualTo(TEAM_KEYS);
            assertThat(progress.path("failed").asInt()).isZero();
        });
        for (int i = 0; i < TEAM_KEYS; i++) {
            String replacement = i == 0 ? readKeyAsConsumer(paths.get(i)) : readKeyOverHttp(paths.get(i));
            assertThat(replacement).isNotEqualTo(leaked.get(i));
            assertThat(api.verify(VERIFIER, replacement, List.of()).status()).isEqualTo(200);
            JsonNode history = api.get("/api/v1/keys/" + ids.get(i) + "/rotations", AUDITOR)
                    .json();
            assertThat(history.size()).as("rotated exactly once").isEqualTo(1);
            assertThat(history.get(0).path("trigger").asString()).isEqualTo("EMERGENCY");
            assertThat(api.get("/api/v1/keys/" + ids.get(i), AUDITOR)
                            .json()
                            .path("currentVersion")
                            .asInt())
                    .isEqualTo(2);
        }
        assertThat(api.verify(VERIFIER, bystander, List.of()).status()).isEqualTo(200);
    }

    /**
     * A bulk run whose store refuses some of its keys (Vault denies their paths): the replacements travel in shared
     * batches, and a refusal is its key's alone — the others are delivered, the refused ones are recorded failed with
     * their error and a retry, and deliver once the store lets them.
     */
    @Test
    void aRunWhoseStoreRefusesSomeKeysDeliversTheOthersInSharedBatches() {
        String team = unique("half-refused");
        String folder = unique("mixed");
        int keys = 40;
        List<String> ids = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            String path = folder + (refused(i) ? "/refused/" : "/delivered/") + i + "/api-key";
            ids.add(issueId(unique("mixed"), team, path, List.of("lists:read")));
            paths.add(path);
        }
        List<String> leaked = paths.stream().map(this::readKeyOverHttp).toList();
        RotationBatches before = rotationBatches();
        bao.denyKeybridge(folder + "/refused/*");
        try {
            Api.Response started = api.post(
                    "/api/v1/emergency-rotations",
                    RESPONDER,
                    Map.of("selector", Map.of("owner", team), "reason", "team token leaked"));
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String run = started.headers().get("location").getFirst();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode progress = api.get(run, AUDITOR).json();
                assertThat(progress.path("state").asString()).isEqualTo("COMPLETED");
                assertThat(progress.path("delivered").asInt()).isEqualTo(keys - keys / 8);
                assertThat(progress.path("failed").asInt()).isEqualTo(keys / 8);
            });
            RotationBatches after = rotationBatches();
            RotationBatches shared = after.since(before);
            assertThat(shared.rotations())
                    .as("every replacement went through a batch")
                    .isGreaterThanOrEqualTo(keys);
            assertThat(shared.batches())
                    .as("fewer batches than rotations: they were shared")
                    .isLessThan(shared.rotations());
            for (int i = 0; i < keys; i++) {
                assertThat(api.verify(VERIFIER, leaked.get(i), List.of()).status())
                        .as("contained")
                        .isEqualTo(401);
                JsonNode key = api.get("/api/v1/keys/" + ids.get(i), AUDITOR).json();
                if (refused(i)) {
                    assertThat(key.path("rotationError").asString()).contains("permission denied");
                    assertThat(key.path("nextRotationAt").isNull())
                            .as("a retry is planned")
                            .isFalse();
                } else {
                    String replacement = readKeyOverHttp(paths.get(i));
                    assertThat(replacement).isNotEqualTo(leaked.get(i));
                    assertThat(api.verify(VERIFIER, replacement, List.of()).status())
                            .isEqualTo(200);
                    assertThat(key.path("rotationError").isNull()).isTrue();
                }
            }
        } finally {
            bao.restoreDenials();
        }
        Api.Response retried = api.post("/api/v1/keys/" + ids.getFirst() + "/rotate", ADMIN, Map.of());
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(api.verify(VERIFIER, readKeyOverHttp(paths.getFirst()), List.of())
                        .status())
                .as("the refused key delivers once the store lets it")
                .isEqualTo(200);
    }

    private static boolean refused(int i) {
        return i % 8 == 0;
    }

    @Test
    void aRunNeedsASelectorCriterionAReasonAndAResponder() {
        assertThat(api.post("/api/v1/emergency-rotations", ADMIN, Map.of("selector", Map.of(), "reason", "x"))
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/emergency-rotations", ADMIN, Map.of("selector", Map.of("owner", "a")))
                        .status())
                .isEqualTo(400);
        assertThat(api.post(
                                "/api/v1/emergency-rotations",
                                AUDITOR,
                                Map.of("selector", Map.of("owner", "a"), "reason", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/emergency-rotations/00000000-0000-0000-0000-000000000000", ADMIN)
                        .status())
                .isEqualTo(404);
    }
}
