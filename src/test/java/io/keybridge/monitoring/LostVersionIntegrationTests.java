package io.keybridge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * keybridge notices a confirmed version gone from its destination (issue 16, item 20: a Vault that forgot its secrets
 * at a restart, while keybridge's database remembered them delivered), raises {@code DESTINATION_LOST} and delivers a
 * new version there.
 */
class LostVersionIntegrationTests extends IntegrationTest {

    @Autowired
    LostVersionCheck check;

    @Test
    void aVersionGoneFromVaultIsAFindingAndIsDeliveredAgain() {
        String path = unique("lost") + "/api-key";
        String id = issueId(unique("lost"), "lost", path, List.of("lists:read"));
        String kept = unique("kept") + "/api-key";
        issue(unique("kept"), "lost", kept, List.of("lists:read"));
        assertThat(bao.root("DELETE", "secret/metadata/keybridge/" + path, null).status())
                .isEqualTo(204);

        assertThat(check.check()).as("keys that lost a version").isEqualTo(1);

        JsonNode findings = api.get("/api/v1/findings?kind=DESTINATION_LOST&keyId=" + id, AUDITOR)
                .json()
                .path("items");
        assertThat(findings).hasSize(1);
        assertThat(findings.path(0).path("severity").asString()).isEqualTo("HIGH");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String key = bao.keyAt(path);
            assertThat(key).as("a new version is at Vault").isNotNull();
            assertThat(api.verify(VERIFIER, key, List.of("lists:read")).status())
                    .isEqualTo(200);
        });
        assertThat(api.get("/api/v1/keys/" + id, ADMIN)
                        .json()
                        .path("currentVersion")
                        .asInt())
                .isEqualTo(2);
        assertThat(check.check()).as("nothing lost any more").isZero();
    }

    /**
     * A check that runs while a rotation is delivering sees the store hold a version keybridge has not confirmed yet:
     * that version is not lost, it is being replaced. The check ran at that moment on the rotating thread (the new
     * version written to Vault, not yet confirmed); before, it raised a false HIGH finding and, on a node whose
     * check came just after the confirmation, rotated the key a second time.
     */
    @Test
    void aRotationInFlightIsNotALostVersion() {
        String path = unique("rotating") + "/api-key";
        String id = issueId(unique("rotating"), "lost", path, List.of("lists:read"));
        java.util.concurrent.atomic.AtomicInteger lostDuringTheWrite =
                new java.util.concurrent.atomic.AtomicInteger(-1);
        probe.at(io.keybridge.delivery.StepReached.Step.WRITTEN, event -> lostDuringTheWrite.set(check.check()));

        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, java.util.Map.of())
                        .status())
                .isEqualTo(202);

        assertThat(lostDuringTheWrite.get())
                .as("the check ran while the new version was at Vault")
                .isNotNegative();
        assertThat(api.get("/api/v1/findings?kind=DESTINATION_LOST&keyId=" + id, AUDITOR)
                        .json()
                        .path("items"))
                .as("findings about a version being replaced")
                .isEmpty();
        assertThat(api.get("/api/v1/keys/" + id + "/rotations", AUDITOR).json().size())
                .as("rotations")
                .isEqualTo(1);
        assertThat(check.check()).as("nothing lost after the rotation").isZero();
    }
}
