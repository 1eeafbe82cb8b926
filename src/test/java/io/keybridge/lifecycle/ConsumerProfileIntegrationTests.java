package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.RotationHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A destination says how its consumer reads it; keybridge refuses any overlap that would revoke the old key before
 * that consumer can have moved: at creation, at a policy change, at a manual rotation.
 */
class ConsumerProfileIntegrationTests extends IntegrationTest {

    @Test
    void aKeyWhoseConsumerRefreshesTooSlowlyForItsPolicyIsRefusedAndNothingIsCreated() {
        String owner = unique("slow-agent");
        String path = unique("slow-agent") + "/api-key";

        Api.Response refused = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("agent"),
                        owner,
                        "fast", // overlap PT2S
                        List.of(Map.of("type", "vault", "path", path, "consumer", Map.of("kind", "vault-agent")))));

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        JsonNode error = refused.json().path("errors").get(0);
        assertThat(error.path("field").asString()).isEqualTo("destinations[0].consumer");
        assertThat(error.path("rule").asString()).isEqualTo("consumer-overlap");
        assertThat(refused.json().path("detail").asString())
                .contains("destination secret/keybridge/" + path)
                .contains("a vault-agent consumer that refreshes every PT5M")
                .contains("rotation policy 'fast' gives PT2S")
                .contains("the shortest overlap that works is PT10M");
        assertThat(api.get("/api/v1/keys?owner=" + owner, AUDITOR).json().path("items"))
                .as("nothing created")
                .isEmpty();
        assertThat(bao.metadata("keybridge/" + path).status())
                .as("nothing written")
                .isEqualTo(404);
    }

    @Test
    void theKeyShowsItsConsumerAndAnOverlapThatLeavesItBehindIsRefusedAtAPolicyChangeAndAManualRotation() {
        String path = unique("eso") + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("eso"),
                        "platform",
                        null, // default: overlap PT24H
                        List.of(
                                Map.of("type", "vault", "path", unique("plain") + "/api-key"),
                                Map.of(
                                        "type",
                                        "vault",
                                        "path",
                                        path,
                                        "consumer",
                                        Map.of("kind", "external-secrets", "restartGrace", "PT30M")))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        JsonNode destinations = api.get("/api/v1/keys/" + id, AUDITOR).json().path("destinations");
        assertThat(destinations.get(0).has("consumer"))
                .as("no profile, none shown")
                .isFalse();
        JsonNode consumer = destinations.get(1).path("consumer");
        assertThat(consumer.path("kind").asString()).isEqualTo("external-secrets");
        assertThat(consumer.path("refreshInterval").asString()).isEqualTo("PT1H");
        assertThat(consumer.path("restartGrace").asString()).isEqualTo("PT30M");
        assertThat(consumer.path("requiredOverlap").asString()).isEqualTo("PT2H30M");

        Api.Response toFast = api.patch("/api/v1/keys/" + id, ADMIN, Map.of("rotationPolicy", "fast"));
        assertThat(toFast.status()).as(toFast.body()).isEqualTo(400);
        assertThat(toFast.json().path("errors").get(0).path("field").asString()).isEqualTo("rotationPolicy");
        assertThat(toFast.json().path("detail").asString())
                .contains("an external-secrets consumer that refreshes every PT1H (restart grace PT30M)")
                .contains("the shortest overlap that works is PT2H30M");
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("rotationPolicy")
                        .asString())
                .as("unchanged")
                .isEqualTo("default");

        Api.Response tooShort = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT2H"));
        assertThat(tooShort.status()).as(tooShort.body()).isEqualTo(400);
        assertThat(tooShort.json().path("errors").get(0).path("field").asString())
                .isEqualTo("overlap");
        assertThat(tooShort.json().path("detail").asString()).contains("the requested overlap gives PT2H");
        assertThat(RotationHistory.of(api, AUDITOR, id)).as("nothing rotated").isEmpty();

        Api.Response enough = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT2H30M"));
        assertThat(enough.status()).as(enough.body()).isEqualTo(202);
    }

    @Test
    void aBadConsumerIsAProblemNamingItsField() {
        Api.Response unknown = issueTo(
                "platform",
                List.of(Map.of(
                        "type", "vault", "path", unique("bad") + "/api-key", "consumer", Map.of("kind", "sidecar"))));
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.json().path("errors").get(0).path("field").asString())
                .isEqualTo("destinations[0].consumer.kind");

        Api.Response startupOnly = issueTo(
                "platform",
                List.of(Map.of(
                        "type",
                        "vault",
                        "path",
                        unique("bad") + "/api-key",
                        "consumer",
                        Map.of("kind", "startup-only"))));
        assertThat(startupOnly.status()).as(startupOnly.body()).isEqualTo(400);
        assertThat(startupOnly.json().path("errors").get(0).path("field").asString())
                .isEqualTo("destinations[0].consumer.refreshInterval");
        assertThat(startupOnly.json().path("detail").asString()).contains("give its restart cadence");
    }

    @Test
    void aDrainGatedRotationWaitsOneRefreshOfTheConsumerWhateverTheUsageSays() {
        String path = unique("drain-consumer") + "/api-key";
        Duration refresh = Duration.ofSeconds(5);
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        unique("drain-consumer"),
                        "platform",
                        "drain", // overlap PT12S, revoked once the old one is quiet for PT2S
                        List.of(Map.of(
                                "type",
                                "vault",
                                "path",
                                path,
                                "consumer",
                                Map.of("kind", "custom", "refreshInterval", refresh.toString())))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        // the new key is in use at once and the old one never was: without the profile, drained after 2 s
        String fresh = readKeyAsConsumer(path);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(api.verify(VERIFIER, fresh, List.of()).status())
                                .isEqualTo(200));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(latestRotationState(id)).isEqualTo("COMPLETED"));
        JsonNode rotation = RotationHistory.of(api, AUDITOR, id).getFirst();
        Instant confirmed = Instant.parse(rotation.path("confirmedAt").asString());
        Instant revoked = Instant.parse(rotation.path("oldRevokedAt").asString());
        assertThat(Duration.between(confirmed, revoked))
                .as("revoked once drained, but not before the consumer's refresh")
                .isGreaterThanOrEqualTo(refresh)
                .isLessThan(Duration.ofSeconds(12));
    }
}
