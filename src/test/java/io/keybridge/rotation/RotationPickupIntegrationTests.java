package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.Dashboard;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.RotationHistory;
import io.keybridge.support.WebhookReceiver;
import io.keybridge.usage.KeyUsage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * During an overlap keybridge shows, per client address, which version each presents: who has picked the new key up
 * and who has not; when the overlap is half over it says so ({@code rotation.stragglers}), and a source still on the
 * old key after the overlap is a straggler finding that names it.
 */
class RotationPickupIntegrationTests extends IntegrationTest {

    @Autowired
    KeyUsage usage;

    @Test
    void theRotationShowsWhichSourcesMovedAndWarnsAtHalfTimeOfTheOneThatDidNot() {
        String path = unique("pickup") + "/api-key";
        // the profile is wrong for one of its consumers: 10.1.2.4 reads its key once, at start, and never again
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("pickup"),
                        "pickup",
                        null,
                        List.of(Map.of(
                                "type",
                                "vault",
                                "path",
                                path,
                                "consumer",
                                Map.of("kind", "vault-agent", "refreshInterval", "PT2S")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String old = readKeyAsConsumer(path);
        for (String source : List.of("10.1.2.3", "10.1.2.4", "10.1.2.5")) {
            assertThat(verifyFrom(old, source)).isEqualTo(200);
        }

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT8S"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        String rotationId = rotated.json().path("id").asString();
        String fresh = readKeyAsConsumer(path);
        assertThat(verifyFrom(fresh, "10.1.2.3")).isEqualTo(200);
        assertThat(verifyFrom(fresh, "10.1.2.5")).isEqualTo(200);
        assertThat(verifyFrom(old, "10.1.2.4"))
                .as("a consumer that read its key once, at start")
                .isEqualTo(200);

        Api.Response detail = api.get("/api/v1/keys/" + id + "/rotations/" + rotationId, AUDITOR);
        assertThat(detail.status()).as(detail.body()).isEqualTo(200);
        assertThat(detail.json().path("id").asString()).isEqualTo(rotationId);
        assertThat(detail.json().path("state").asString()).isEqualTo("OVERLAP");
        JsonNode pickup = detail.json().path("pickup");
        assertThat(pickup.path("newVersion").asInt()).isEqualTo(2);
        assertThat(pickup.path("summary").asString())
                .startsWith("2 of 3 sources on version 2; 10.1.2.4 still on 1, last seen ");
        assertThat(pickup.path("sources")).hasSize(3);
        for (JsonNode source : pickup.path("sources")) {
            boolean straggler = source.path("source").asString().equals("10.1.2.4");
            assertThat(source.path("version").asInt()).isEqualTo(straggler ? 1 : 2);
            assertThat(source.path("onNewVersion").asBoolean()).isEqualTo(!straggler);
        }
        assertThat(Dashboard.signedIn(port, AUDITOR).get("/ui/keys/" + id).body())
                .contains("Who has picked up version")
                .contains("2 of 3 sources on version 2; 10.1.2.4 still on 1");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(WebhookReceiver.get().received())
                        .filteredOn(received -> received.answered() == 200
                                && received.eventType().equals("rotation.stragglers")
                                && received.body().contains(id))
                        .singleElement()
                        .satisfies(received -> assertThat(received.body())
                                .contains("10.1.2.4 on version 1")
                                .doesNotContain("10.1.2.3 on")
                                .doesNotContain(old)));
        JsonNode rotation = RotationHistory.of(api, AUDITOR, id).getFirst();
        assertThat(rotation.path("state").asString())
                .as("said while the old key still verifies: there is time to restart the consumer")
                .isEqualTo("OVERLAP");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(latestRotationState(id)).isEqualTo("COMPLETED"));
        assertThat(verifyFrom(old, "10.1.2.4")).as("the overlap is over").isEqualTo(401);
        usage.flush();
        JsonNode stragglers = api.get("/api/v1/findings?kind=STRAGGLER&keyId=" + id, AUDITOR)
                .json()
                .path("items");
        assertThat(stragglers)
                .singleElement()
                .satisfies(finding -> assertThat(finding.path("title").asString()
                                + finding.path("summary").asString()
                                + finding.toString())
                        .contains("10.1.2.4"));
    }

    @Test
    void aStartupOnlyConsumerIsNoRotationTargetUnlessTheOverlapCoversItsRestartCadence() {
        Map<String, Object> startupOnly = Map.of("kind", "startup-only", "refreshInterval", "P1D");
        Api.Response refused = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("startup"),
                        "pickup",
                        null, // default: overlap PT24H
                        List.of(Map.of(
                                "type", "vault", "path", unique("startup") + "/api-key", "consumer", startupOnly))));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("detail").asString())
                .contains("a startup-only consumer that restarts every PT24H")
                .contains("the shortest overlap that works is PT48H");

        Api.Response weekly = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("startup"),
                        "pickup",
                        null,
                        List.of(Map.of(
                                "type",
                                "vault",
                                "path",
                                unique("startup") + "/api-key",
                                "consumer",
                                Map.of("kind", "startup-only", "refreshInterval", "PT6H")))));
        assertThat(weekly.status())
                .as("restarted every 6 h: a 24 h overlap covers it")
                .isEqualTo(201);
    }

    @Test
    void anUnknownRotationIsNotFound() {
        String id = issueId(unique("pickup"), "pickup", unique("pickup") + "/api-key", List.of("lists:read"));
        Api.Response missing = api.get("/api/v1/keys/" + id + "/rotations/" + java.util.UUID.randomUUID(), AUDITOR);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
    }

    private int verifyFrom(String key, String source) {
        return api.send(
                        "POST",
                        "/api/v1/verify",
                        VERIFIER,
                        Map.of("scopes", List.of()),
                        Map.of("X-API-Key", key, "X-Forwarded-For", source))
                .status();
    }
}
