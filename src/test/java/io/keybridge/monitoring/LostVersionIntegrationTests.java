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
}
