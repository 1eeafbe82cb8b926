package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.BaoAgent;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.PickupConsumer;
import io.keybridge.support.RotationHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Real consumers through real rotations: an OpenBao Agent (signed in with an AppRole, the config of
 * {@code policies/vault/agent.hcl.tmpl}) renders the key into a file every second, and a service reads that file
 * before each call of {@code /verify}. Through a manual, a scheduled and a drain-gated rotation the service is never
 * refused, it calls with the new key before the old one is revoked, and never with the old key after.
 */
class ConsumerPickupIntegrationTests extends IntegrationTest {

    /** The agent renders every second; declared at two, for a margin on a busy machine. */
    private static final Duration RENDER = Duration.ofSeconds(1);

    private static final Map<String, String> AGENT = Map.of("kind", "vault-agent", "refreshInterval", "PT2S");

    @Test
    void aServiceReadingWhatTheAgentRendersMovesToTheNewKeyBeforeAManualRotationRevokesTheOld() throws Exception {
        String path = unique("agent-manual") + "/api-key";
        String id = issueWithAgent(path, null);
        try (BaoAgent agent = BaoAgent.start(bao, unique("manual"), path, RENDER);
                PickupConsumer service = PickupConsumer.reading(agent::read, api, VERIFIER)) {
            awaitCalls(service, Instant.now());

            Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT4S"));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
            JsonNode rotation = awaitCompleted(id, 1).getFirst();
            awaitCalls(service, Instant.parse(rotation.path("oldRevokedAt").asString()));

            service.assertPickedUpBeforeRevocation(List.of(rotation), "manual, bao agent rendering every 1 s");
            assertThat(agent.log()).as("the agent's log").doesNotContain(readKeyAsConsumer(path));
        } finally {
            revoke(id);
        }
    }

    @Test
    void aServiceReadingWhatTheAgentRendersFollowsAScheduledRotation() throws Exception {
        String path = unique("agent-scheduled") + "/api-key";
        String id = issueWithAgent(path, "agent"); // every 8 s, overlap 4 s
        try (BaoAgent agent = BaoAgent.start(bao, unique("scheduled"), path, RENDER);
                PickupConsumer service = PickupConsumer.reading(agent::read, api, VERIFIER)) {
            List<JsonNode> rotations = awaitCompleted(id, 1);
            awaitCalls(
                    service,
                    Instant.parse(rotations.getLast().path("oldRevokedAt").asString()));

            assertThat(rotations)
                    .allSatisfy(rotation ->
                            assertThat(rotation.path("trigger").asString()).isEqualTo("SCHEDULED"));
            service.assertPickedUpBeforeRevocation(rotations, "scheduled, bao agent rendering every 1 s");
        } finally {
            revoke(id);
        }
    }

    @Test
    void aDrainGatedRotationRevokesTheOldKeyEarlyOnlyAfterTheServiceMoved() throws Exception {
        String path = unique("agent-drain") + "/api-key";
        String id = issueWithAgent(path, "drain"); // overlap 12 s, early once the old key is quiet for 2 s
        try (BaoAgent agent = BaoAgent.start(bao, unique("drain"), path, RENDER);
                PickupConsumer service = PickupConsumer.reading(agent::read, api, VERIFIER)) {
            awaitCalls(service, Instant.now());

            Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
            JsonNode rotation = awaitCompleted(id, 1).getFirst();
            awaitCalls(service, Instant.parse(rotation.path("oldRevokedAt").asString()));

            service.assertPickedUpBeforeRevocation(List.of(rotation), "drain-gated, bao agent rendering every 1 s");
            Instant confirmed = Instant.parse(rotation.path("confirmedAt").asString());
            Instant revoked = Instant.parse(rotation.path("oldRevokedAt").asString());
            assertThat(Duration.between(confirmed, revoked))
                    .as("drained: revoked before the overlap's end, not before the consumer's refresh")
                    .isLessThan(Duration.ofSeconds(12))
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        } finally {
            revoke(id);
        }
    }

    private String issueWithAgent(String path, String policy) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("agent"),
                        "pickup",
                        policy,
                        List.of(Map.of("type", "vault", "path", path, "consumer", AGENT))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    /** The key's first {@code count} rotations, oldest first, once each is complete. */
    private List<JsonNode> awaitCompleted(String id, int count) {
        List<List<JsonNode>> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<JsonNode> completed = RotationHistory.of(api, AUDITOR, id).stream()
                    .filter(rotation -> rotation.path("state").asString().equals("COMPLETED"))
                    .sorted(Comparator.comparing(
                            rotation -> rotation.path("toVersion").asInt()))
                    .toList();
            assertThat(completed).hasSizeGreaterThanOrEqualTo(count);
            found.add(completed.subList(0, count));
        });
        return found.getLast();
    }

    /** Until the service has made a few calls after that instant (a revocation: the calls that could be refused). */
    private static void awaitCalls(PickupConsumer service, Instant after) {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.callsAfter(after) >= 10);
    }

    private void revoke(String id) {
        // the key would go on rotating for the rest of the suite
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "test over"))
                        .status())
                .isEqualTo(200);
    }
}
