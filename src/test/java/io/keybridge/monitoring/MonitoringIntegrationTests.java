package io.keybridge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The sweep's findings, the Prometheus metrics and the health of destinations and scheduler. */
class MonitoringIntegrationTests extends IntegrationTest {

    @Autowired
    KeyWatch watch;

    @Test
    void theSweepRaisesOverdueExpiringAndDormantFindingsOnceEach() {
        String dormantId = issue(unique("idle"), unique("team"), unique("idle") + "/api-key", List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String expiringId = api.post(
                        "/api/v1/keys",
                        ADMIN,
                        Map.of(
                                "name", unique("short-lived"),
                                "environment", "live",
                                "owner", unique("team"),
                                "scopes", List.of("lists:read"),
                                "expiresAt",
                                        clock.instant().plus(Duration.ofDays(3)).toString(),
                                "destinations", List.of(Map.of("type", "vault", "path", unique("short") + "/api-key"))))
                .json()
                .path("id")
                .asString();
        watch.sweep();
        assertThat(kinds(expiringId)).containsExactly("KEY_EXPIRING");
        assertThat(kinds(dormantId)).as("nothing is wrong with a new key").isEmpty();

        clock.advance(Duration.ofDays(91)); // past the default policy's 90 days, and 91 days unused
        watch.sweep();
        watch.sweep();

        assertThat(kinds(dormantId)).containsExactlyInAnyOrder("ROTATION_OVERDUE", "DORMANT");
        JsonNode dormant = api.get("/api/v1/findings?kind=DORMANT&keyId=" + dormantId, AUDITOR)
                .json()
                .path("items")
                .get(0);
        assertThat(dormant.path("severity").asString()).isEqualTo("LOW");
        assertThat(dormant.path("evidence").path("idleDays").asString()).isEqualTo("91");
        assertThat(api.get("/api/v1/findings?severity=HIGH&keyId=" + dormantId, AUDITOR)
                        .json()
                        .path("items")
                        .findValuesAsString("kind"))
                .containsExactly("ROTATION_OVERDUE");
        assertThat(api.get("/api/v1/audit?action=key.rotation-overdue&keyId=" + dormantId, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(1);
        // and the deployment platform hears of each through its webhook
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(events(expiringId)).contains("key.expiring");
            assertThat(events(dormantId)).contains("key.rotation_overdue", "finding.raised");
        });
        assertThat(api.get("/api/v1/findings?kind=NOPE", AUDITOR).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/findings", VERIFIER).status()).isEqualTo(403);
    }

    @Test
    void preflightWarnsDaysBeforeARotationWouldFailAtVaultOrAws() {
        String vaultPath = unique("preflight") + "/api-key";
        String vaultKeyId = issue(unique("preflight"), unique("team"), vaultPath, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String secretId = "preflight/" + unique("aws");
        String awsKeyId = issueTo(unique("team"), List.of(io.keybridge.support.KeyRequests.aws(secretId)))
                .json()
                .path("id")
                .asString();
        clock.advance(Duration.ofDays(80)); // rotations are 10 days away: nothing is checked yet
        watch.sweep();
        assertThat(kinds(vaultKeyId)).doesNotContain("PREFLIGHT_FAILED");

        bao.denyKeybridge(vaultPath);
        try {
            io.keybridge.support.OpenBao.Cli untagged =
                    io.keybridge.support.Moto.server().untag("keybridge/" + secretId, "managed-by");
            assertThat(untagged.exitCode()).as(untagged.stderr()).isZero();
            clock.advance(Duration.ofDays(8)); // two days before the default policy's 90
            watch.sweep();
            watch.sweep();
        } finally {
            bao.restoreDenials();
        }

        JsonNode vault = api.get("/api/v1/findings?kind=PREFLIGHT_FAILED&keyId=" + vaultKeyId, AUDITOR)
                .json();
        assertThat(vault.path("totalItems").asInt()).as("raised once").isEqualTo(1);
        assertThat(vault.path("items").get(0).path("summary").asString())
                .contains("lacks update on secret/data/keybridge/" + vaultPath);
        assertThat(vault.path("items").get(0).path("severity").asString()).isEqualTo("HIGH");
        JsonNode aws = api.get("/api/v1/findings?kind=PREFLIGHT_FAILED&keyId=" + awsKeyId, AUDITOR)
                .json();
        assertThat(aws.path("totalItems").asInt()).isEqualTo(1);
        assertThat(aws.path("items").get(0).path("summary").asString()).contains("managed-by=keybridge tag");
    }

    @Test
    void prometheusShowsKeysVerificationsRotationsDestinationsAndFindings() {
        String path = unique("metered") + "/api-key";
        String id = issue(unique("metered"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyAsConsumer(path);
        api.verify(VERIFIER, key, List.of());
        api.verify(VERIFIER, "ee_live_nonsense", List.of());
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);

        Api.Response scrape = api.get("/actuator/prometheus", AUDITOR);

        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body())
                .contains("keybridge_keys{status=\"active\"}")
                .contains("keybridge_verification_latency_seconds_count{outcome=\"valid\"}")
                .contains("keybridge_verification_latency_seconds_count{outcome=\"refused\"}")
                .contains("keybridge_verifications_total{outcome=\"refused\",reason=\"malformed\"}")
                .contains("keybridge_rotation_duration_seconds_count{trigger=\"MANUAL\"}")
                .contains("keybridge_rotations_total{outcome=\"confirmed\",trigger=\"MANUAL\"}")
                .contains("keybridge_rotations_overdue")
                .contains(
                        "keybridge_destination_calls_seconds_count{operation=\"write\",outcome=\"success\",type=\"vault\"}");
        assertThat(scrape.body()).doesNotContain(key.substring(12));
        assertThat(api.get("/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(api.get("/actuator/prometheus", VERIFIER).status()).isEqualTo(403);
    }

    @Test
    void healthShowsEachDestinationAndTheSchedulerToOperatorsOnly() {
        JsonNode health = api.get("/actuator/health", ADMIN).json();

        assertThat(health.path("status").asString()).isEqualTo("UP");
        JsonNode destinations = health.path("components").path("destinations");
        assertThat(destinations.path("status").asString()).isEqualTo("UP");
        assertThat(destinations.path("details").path("vault").asString()).startsWith("UP: read metadata at secret/");
        assertThat(destinations.path("details").path("aws").asString()).startsWith("UP: DescribeSecret");
        assertThat(destinations.path("details").path("vault").asString())
                .as("how keybridge logs in")
                .endsWith("(token)");
        assertThat(destinations.path("details").path("aws").asString())
                .as("who keybridge is at AWS")
                .contains(" as arn:aws:");
        JsonNode scheduler = health.path("components").path("scheduler");
        assertThat(scheduler.path("status").asString()).isEqualTo("UP");
        assertThat(scheduler.path("details").path("persistent").asBoolean()).isTrue();

        JsonNode anonymous = api.get("/actuator/health", null).json();
        assertThat(anonymous.path("status").asString()).isEqualTo("UP");
        assertThat(anonymous.has("components")).as("no details for anyone").isFalse();
        assertThat(api.get("/actuator/health/liveness", null)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("UP");
    }

    private static List<String> events(String keyId) {
        return io.keybridge.support.WebhookReceiver.get().received().stream()
                .filter(received ->
                        received.answered() == 200 && received.body().contains(keyId))
                .map(io.keybridge.support.WebhookReceiver.Received::eventType)
                .toList();
    }

    private List<String> kinds(String keyId) {
        return api.get("/api/v1/findings?keyId=" + keyId, AUDITOR)
                .json()
                .path("items")
                .findValuesAsString("kind");
    }
}
