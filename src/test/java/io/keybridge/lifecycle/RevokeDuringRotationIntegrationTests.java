package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.OpenBao;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A revocation always wins, and always finishes (issue 16, item 3): 50 keys are each rotated and revoked at once, with
 * every Vault call slowed, the revoke landing at a different moment of each rotation. No answer is a 5xx, and once
 * things settle no revoked key has a live version at Vault or a version that verifies.
 */
class RevokeDuringRotationIntegrationTests extends IntegrationTest {

    private static final int PAIRS = 50;

    @AfterEach
    void heal() {
        bao.faults().clear();
    }

    @Test
    void revokingDuringARotationLeavesNothingLiveAndNothingThatVerifies() throws Exception {
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            String path = unique("race") + "/k";
            String id = issueId(unique("race"), "race", path, List.of("lists:read"));
            keys.add(new Key(id, path, readKeyAsConsumer(path)));
        }
        Duration perCall = Duration.ofMillis(300);
        bao.faults().slowEveryCall(perCall);
        List<Api.Response> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            List<CompletableFuture<Void>> pairs = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                Key key = keys.get(i);
                long revokeAfter = (i % 10) * perCall.toMillis() / 3; // from before the first call to after the last
                pairs.add(CompletableFuture.runAsync(
                        () -> answers.add(api.post("/api/v1/keys/" + key.id() + "/rotate", ADMIN, Map.of())), pool));
                pairs.add(CompletableFuture.runAsync(
                        () -> {
                            sleep(revokeAfter);
                            answers.add(
                                    api.post("/api/v1/keys/" + key.id() + "/revoke", ADMIN, Map.of("reason", "race")));
                        },
                        pool));
            }
            CompletableFuture.allOf(pairs.toArray(CompletableFuture[]::new)).join();
        }
        bao.faults().slowEveryCall(Duration.ZERO);

        assertThat(answers).hasSize(2 * PAIRS);
        System.out.printf(
                "rotate+revoke race: answers by status %s%n",
                answers.stream()
                        .collect(java.util.stream.Collectors.groupingBy(
                                Api.Response::status, java.util.TreeMap::new, java.util.stream.Collectors.counting())));
        assertThat(answers)
                .as("no 5xx")
                .allSatisfy(
                        answer -> assertThat(answer.status()).as(answer.body()).isLessThan(500));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (Key key : keys) {
                assertThat(api.get("/api/v1/keys/" + key.id(), ADMIN)
                                .json()
                                .path("status")
                                .asString())
                        .isEqualTo("REVOKED");
                assertThat(liveVersionsAtVault(key.path()))
                        .as("live versions at " + key.path())
                        .isEmpty();
            }
        });
        for (Key key : keys) {
            assertThat(api.verify(VERIFIER, key.first(), List.of()).status()).isEqualTo(401);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM key_versions WHERE key_id = :id AND state <> 'REVOKED'")
                            .param("id", java.util.UUID.fromString(key.id()))
                            .query(Integer.class)
                            .single())
                    .as("every version of revoked key %s is revoked", key.id())
                    .isZero();
        }
    }

    /** Versions of the secret that Vault would still hand out (neither destroyed nor deleted). */
    private List<String> liveVersionsAtVault(String path) {
        OpenBao.Response metadata = bao.metadata("keybridge/" + path);
        List<String> live = new ArrayList<>();
        if (metadata.status() == 404) {
            return live;
        }
        JsonNode versions = metadata.json().path("data").path("versions");
        for (var entry : versions.properties()) {
            JsonNode version = entry.getValue();
            boolean gone = version.path("destroyed").asBoolean()
                    || !version.path("deletion_time").asString("").isEmpty();
            if (!gone) {
                live.add(entry.getKey());
            }
        }
        return live;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Key(String id, String path, String first) {}
}
