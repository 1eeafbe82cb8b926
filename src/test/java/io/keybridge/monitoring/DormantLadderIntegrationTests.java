package io.keybridge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Unused keys: a notice at 30 days, suspension at 60, revocation at 90, each announced before it happens. */
class DormantLadderIntegrationTests extends IntegrationTest {

    @Autowired
    KeyWatch watch;

    @Test
    void anUnusedKeyIsNoticedThenSuspendedThenRevokedAndUseResetsTheLadder() {
        String path = unique("idle") + "/api-key";
        String id = issue(unique("idle"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyOverHttp(path);
        String resumedPath = unique("resumed") + "/api-key";
        String resumedId = issue(unique("resumed"), unique("team"), resumedPath, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String resumed = readKeyOverHttp(resumedPath);

        clock.advance(Duration.ofDays(31));
        watch.sweep();
        assertThat(steps(id)).containsExactly("notice");
        assertThat(dormant(id).get(0).path("summary").asString()).contains("will be suspended from", "revoked from");
        assertThat(status(id)).isEqualTo("ACTIVE");
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(200);
        // that use resets the first key's ladder; the second key stays unused

        clock.advance(Duration.ofDays(30)); // day 61
        watch.sweep();
        assertThat(steps(resumedId)).containsExactly("suspended", "notice");
        assertThat(status(resumedId)).isEqualTo("SUSPENDED");
        assertThat(api.verify(VERIFIER, resumed, List.of()).status())
                .as("suspended: refused")
                .isEqualTo(401);
        assertThat(steps(id))
                .as("used on day 31, so 30 days unused now: a new notice, not a suspension")
                .containsExactly("notice", "notice");
        assertThat(status(id)).isEqualTo("ACTIVE");

        assertThat(api.post("/api/v1/keys/" + resumedId + "/resume", RESPONDER, null)
                        .status())
                .as("resuming is for an ADMIN")
                .isEqualTo(403);
        assertThat(api.post("/api/v1/keys/" + resumedId + "/resume", ADMIN, null)
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("ACTIVE");
        assertThat(api.verify(VERIFIER, resumed, List.of()).status())
                .as("the same key works again")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/audit?action=key.resume&keyId=" + resumedId, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void noStepIsTakenUnannounced() {
        String path = unique("forgotten") + "/api-key";
        String id = issue(unique("forgotten"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyOverHttp(path);

        clock.advance(Duration.ofDays(120)); // first seen long unused: announce only
        watch.sweep();
        assertThat(steps(id)).containsExactly("notice");
        assertThat(status(id)).isEqualTo("ACTIVE");

        clock.advance(Duration.ofDays(8)); // the notice is 8 days old: suspend, announcing revocation
        watch.sweep();
        assertThat(steps(id)).containsExactly("suspended", "notice");
        assertThat(status(id)).isEqualTo("SUSPENDED");

        clock.advance(Duration.ofDays(8));
        watch.sweep();
        assertThat(steps(id)).containsExactly("revoked", "suspended", "notice");
        assertThat(status(id)).isEqualTo("REVOKED");
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/keys/" + id + "/resume", ADMIN, null).status())
                .as("revocation is final")
                .isEqualTo(409);
    }

    @Test
    void aResponderCanSuspendByHand() {
        String path = unique("hold") + "/api-key";
        String id = issue(unique("hold"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String key = readKeyOverHttp(path);

        assertThat(api.post("/api/v1/keys/" + id + "/suspend", AUDITOR, Map.of("reason", "x"))
                        .status())
                .isEqualTo(403);
        assertThat(api.post("/api/v1/keys/" + id + "/suspend", RESPONDER, Map.of())
                        .status())
                .as("a reason is required")
                .isEqualTo(400);
        assertThat(api.post("/api/v1/keys/" + id + "/suspend", RESPONDER, Map.of("reason", "looks odd"))
                        .json()
                        .path("status")
                        .asString())
                .isEqualTo("SUSPENDED");
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/keys?status=suspended&q=" + path.split("/")[0].replace("hold-", ""), AUDITOR)
                        .status())
                .isEqualTo(200);
        assertThat(api.post("/api/v1/keys/" + id + "/resume", ADMIN, null).status())
                .isEqualTo(200);
        assertThat(api.verify(VERIFIER, key, List.of()).status()).isEqualTo(200);
    }

    private String status(String id) {
        return api.get("/api/v1/keys/" + id, AUDITOR).json().path("status").asString();
    }

    private List<String> steps(String id) {
        return dormant(id).stream()
                .map(f -> f.path("evidence").path("step").asString())
                .toList();
    }

    private List<JsonNode> dormant(String id) {
        List<JsonNode> found = new ArrayList<>();
        api.get("/api/v1/findings?kind=DORMANT&keyId=" + id, AUDITOR)
                .json()
                .path("items")
                .forEach(found::add);
        return found;
    }
}
