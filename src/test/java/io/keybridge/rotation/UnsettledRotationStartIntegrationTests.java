package io.keybridge.rotation;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static io.keybridge.support.KeybridgeProcess.VERIFIER;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * No single bad row stops start-up (issue 16, item 1). A rotation is left delivering for a key whose version is at
 * Vault but whose rotation policy was since removed from the policy folder, so no step can finish it; two other keys
 * have rotations stranded the ordinary way. keybridge must start, serve {@code /verify}, settle the two, and report the
 * one it cannot settle — once in the log, as a finding — instead of refusing to start.
 */
@ExtendWith(OpenBaoExtension.class)
class UnsettledRotationStartIntegrationTests {

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aRotationThatCannotBeSettledStopsNeitherStartNorTheOthers(@TempDir Path folder) throws Exception {
        String unsettleable;
        String strandedB;
        String strandedC;
        String pathB = "unsettled-" + run + "/b";
        try (KeybridgeProcess first = KeybridgeProcess.start(folder, "unsettled-first")) {
            unsettleable = issue(first.api(), "unsettled-" + run + "/a");
            strandedB = issue(first.api(), pathB);
            strandedC = issue(first.api(), "unsettled-" + run + "/c");
        }
        UUID badRotation = UUID.randomUUID();
        List<UUID> strandedRotations = List.of(UUID.randomUUID(), UUID.randomUUID());
        try (Connection db = DriverManager.getConnection(
                "jdbc:h2:file:" + folder.toAbsolutePath() + "/keybridge", "keybridge", "")) {
            // a version delivered and confirmed at Vault, a rotation still delivering it, and a policy gone
            String version = single(db, "SELECT id FROM key_versions WHERE key_id = '" + unsettleable + "'");
            db.createStatement()
                    .executeUpdate("UPDATE key_versions SET state = 'PENDING' WHERE key_id = '" + unsettleable + "'");
            db.createStatement()
                    .executeUpdate(
                            "UPDATE api_keys SET rotation_policy = 'removed-since' WHERE id = '" + unsettleable + "'");
            plantDelivering(db, badRotation, unsettleable, UUID.fromString(version), 1);
            plantDelivering(db, strandedRotations.get(0), strandedB, null, null);
            plantDelivering(db, strandedRotations.get(1), strandedC, null, null);
        }

        try (KeybridgeProcess second = KeybridgeProcess.start(folder, "unsettled-second")) {
            Api api = second.api();
            String keyB = bao.keyAt(pathB);
            Api.Response verified = api.verify(VERIFIER, keyB, List.of("lists:read"));
            assertThat(verified.status()).as(verified.body()).isEqualTo(200);

            List<String> keys = List.of(strandedB, strandedC);
            for (int i = 0; i < keys.size(); i++) {
                String planted = strandedRotations.get(i).toString();
                JsonNode history = api.get("/api/v1/keys/" + keys.get(i) + "/rotations", ADMIN)
                        .json();
                assertThat(history.valueStream()
                                .filter(rotation ->
                                        rotation.path("id").asString().equals(planted))
                                .map(rotation -> rotation.path("state").asString()))
                        .as("the stranded rotation of %s was settled", keys.get(i))
                        .containsExactly("FAILED");
            }
            JsonNode findings = api.get("/api/v1/findings?kind=ROTATION_UNSETTLED&keyId=" + unsettleable, ADMIN)
                    .json()
                    .path("items");
            assertThat(findings).hasSize(1);
            assertThat(findings.path(0).path("severity").asString()).isEqualTo("HIGH");
            assertThat(findings.path(0).path("evidence").path("rotationId").asString())
                    .isEqualTo(badRotation.toString());
            String log = Files.readString(second.log());
            assertThat(log.split("could not settle rotation " + badRotation, -1))
                    .as("logged once")
                    .hasSize(2);
        }
    }

    private static void plantDelivering(Connection db, UUID rotation, String keyId, UUID toVersionId, Integer toVersion)
            throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
                INSERT INTO rotations (id, key_id, trigger_type, actor, from_version, to_version_id, to_version, state,
                                       overlap_seconds, started_at, active_key_id)
                VALUES (?, ?, 'MANUAL', 'test', ?, ?, ?, 'DELIVERING', 3600, ?, ?)""")) {
            insert.setObject(1, rotation);
            insert.setObject(2, UUID.fromString(keyId));
            insert.setInt(3, toVersion == null ? 1 : 0);
            insert.setObject(4, toVersionId);
            insert.setObject(5, toVersion);
            insert.setTimestamp(6, Timestamp.from(Instant.now().minusSeconds(3600)));
            insert.setObject(7, UUID.fromString(keyId));
            insert.executeUpdate();
        }
    }

    private static String single(Connection db, String query) throws SQLException {
        try (var rs = db.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String issue(Api api, String path) {
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        "unsettled-" + UUID.randomUUID().toString().substring(0, 8),
                        "unsettled",
                        null,
                        List.of(KeyRequests.vault(path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }
}
