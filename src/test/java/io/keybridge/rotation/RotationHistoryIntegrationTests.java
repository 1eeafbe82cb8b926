package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A key's rotation history tells the truth about emergencies (issue 16, item 23). */
class RotationHistoryIntegrationTests extends IntegrationTest {

    @Test
    void anEmergencyEndsTheOverlapUnderWayAndHasNoneOfItsOwn() {
        String path = unique("history") + "/k";
        String id = issueId(unique("history"), "history", path, List.of("lists:read"));
        Api.Response manual = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT2H"));
        assertThat(manual.status()).as(manual.body()).isEqualTo(202);
        assertThat(manual.json().path("state").asString()).isEqualTo("OVERLAP");
        String manualId = manual.json().path("id").asString();

        Api.Response emergency =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "leaked"));

        assertThat(emergency.status()).as(emergency.body()).isEqualTo(200);
        JsonNode contained = emergency.json();
        assertThat(contained.path("state").asString())
                .as("no overlap: the old versions died at containment")
                .isEqualTo("COMPLETED");
        Instant revokedAt = Instant.parse(contained.path("oldRevokedAt").asString());
        assertThat(Instant.parse(contained.path("retireAt").asString())).isEqualTo(revokedAt);

        JsonNode earlier = history(id).stream()
                .filter(rotation -> rotation.path("id").asString().equals(manualId))
                .findFirst()
                .orElseThrow();
        assertThat(earlier.path("state").asString())
                .as("the manual rotation's overlap ended at containment")
                .isEqualTo("COMPLETED");
        assertThat(Instant.parse(earlier.path("oldRevokedAt").asString())).isEqualTo(revokedAt);
        assertThat(Instant.parse(earlier.path("retireAt").asString())).isEqualTo(revokedAt);

        String audit =
                api.get("/api/v1/audit?keyId=" + id + "&size=100", AUDITOR).body();
        assertThat(audit)
                .contains("older versions were revoked at containment")
                .doesNotContain("revoked versions [] after the overlap");
    }

    private List<JsonNode> history(String id) {
        return api.get("/api/v1/keys/" + id + "/rotations", ADMIN)
                .json()
                .valueStream()
                .toList();
    }
}
