package io.keybridge.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.IntegrationTest;
import io.keybridge.support.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deployment platform listens for key events: each arrives once (after the receiver's own failures are retried),
 * signed, and without key material.
 */
class WebhookIntegrationTests extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void everyEventOfAKeysLifeArrivesOnceSignedAfterRetries() {
        String path = unique("hooked") + "/api-key";
        String id = issue(unique("hooked"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String first = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        String second = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "webhook test"))
                        .status())
                .isEqualTo(200);
        String third = readKeyAsConsumer(path);
        assertThat(api.post("/api/v1/keys/" + id + "/revoke", ADMIN, Map.of("reason", "done"))
                        .status())
                .isEqualTo(200);

        List<String> expected = List.of(
                "key.created", "key.rotated", "key.revoked", "key.rotated", "emergency.completed", "key.revoked");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(delivered(id).stream()
                                .map(received -> received.eventType())
                                .toList())
                        .containsExactlyInAnyOrderElementsOf(expected));

        Map<String, List<WebhookReceiver.Received>> attempts = WebhookReceiver.get().received().stream()
                .filter(received -> received.body().contains(id))
                .collect(Collectors.groupingBy(WebhookReceiver.Received::eventId));
        assertThat(attempts).hasSize(expected.size());
        for (List<WebhookReceiver.Received> tries : attempts.values()) {
            assertThat(tries).as("failed twice, then delivered once").hasSize(WebhookReceiver.FAILURES_PER_EVENT + 1);
            assertThat(tries.stream().filter(t -> t.answered() == 200)).hasSize(1);
            assertThat(tries.stream().map(WebhookReceiver.Received::body).distinct())
                    .as("every attempt sends the same event")
                    .hasSize(1);
        }
        for (WebhookReceiver.Received received : delivered(id)) {
            assertThat(received.signature())
                    .isEqualTo("v1=" + hmac(WebhookReceiver.SECRET, received.timestamp() + "." + received.body()));
            assertThat(Duration.between(Instant.ofEpochSecond(Long.parseLong(received.timestamp())), Instant.now())
                            .abs())
                    .isLessThan(Duration.ofMinutes(5));
            JsonNode event = JSON.readTree(received.body());
            assertThat(event.path("id").asString()).isEqualTo(received.eventId());
            assertThat(event.path("type").asString()).isEqualTo(received.eventType());
            assertThat(event.path("key").path("id").asString()).isEqualTo(id);
            assertThat(received.body())
                    .doesNotContain(first)
                    .doesNotContain(second)
                    .doesNotContain(third);
        }

        JsonNode log =
                api.get("/api/v1/webhooks/deliveries?keyId=" + id, AUDITOR).json();
        assertThat(log.path("totalItems").asInt()).isEqualTo(expected.size());
        for (JsonNode delivery : log.path("items")) {
            assertThat(delivery.path("status").asString()).isEqualTo("DELIVERED");
            assertThat(delivery.path("attempts").asInt()).isEqualTo(WebhookReceiver.FAILURES_PER_EVENT + 1);
            assertThat(delivery.path("lastStatus").asInt()).isEqualTo(200);
            assertThat(delivery.path("endpoint").asString()).isEqualTo("it-receiver");
            assertThat(delivery.has("payload"))
                    .as("the log does not repeat payloads")
                    .isFalse();
        }
        assertThat(api.get("/api/v1/webhooks/deliveries?status=BOGUS", AUDITOR).status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/webhooks/deliveries", VERIFIER).status()).isEqualTo(403);
    }

    private static List<WebhookReceiver.Received> delivered(String keyId) {
        return WebhookReceiver.get().received().stream()
                .filter(received ->
                        received.answered() == 200 && received.body().contains(keyId))
                .toList();
    }

    private static String hmac(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
