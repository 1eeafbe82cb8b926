package io.keybridge.rotation;

import io.keybridge.jdbc.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The recorded bulk emergency rotations. */
@Repository
class EmergencyRuns {

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate jdbcTemplate;

    public EmergencyRuns(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate jdbcTemplate) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
    }

    public void start(UUID id, String actor, String reason, String selector, int total, Instant at) {
        jdbc.sql("""
                INSERT INTO emergency_runs (id, actor, reason, selector, state, total, started_at)
                VALUES (:id, :actor, :reason, :selector, 'RUNNING', :total, :at)""")
                .param("id", id)
                .param("actor", actor)
                .param("reason", reason)
                .param("selector", selector)
                .param("total", total)
                .param("at", Sql.timestamp(at))
                .update();
    }

    /** Adds the run's keys, all {@code REVOKED} (waiting for their new version), in one batch. */
    public void addKeys(UUID id, List<UUID> keyIds) {
        jdbcTemplate.batchUpdate(
                "INSERT INTO emergency_run_keys (run_id, key_id, outcome) VALUES (?, ?, 'REVOKED')",
                keyIds.stream().map(keyId -> new Object[] {id, keyId}).toList());
    }

    public void contained(UUID id, Instant at) {
        jdbc.sql("UPDATE emergency_runs SET contained_at = :at WHERE id = :id")
                .param("id", id)
                .param("at", Sql.timestamp(at))
                .update();
    }

    public void keyDone(
            UUID id, UUID keyId, EmergencyRun.Outcome outcome, @Nullable UUID rotationId, @Nullable String error) {
        jdbc.sql("""
                UPDATE emergency_run_keys SET outcome = :outcome, rotation_id = :rotation, error = :error
                WHERE run_id = :id AND key_id = :key""")
                .param("id", id)
                .param("key", keyId)
                .param("outcome", outcome.name())
                .param("rotation", rotationId)
                .param("error", Sql.truncate(error, 1000))
                .update();
    }

    public void finished(UUID id, Instant at) {
        jdbc.sql("UPDATE emergency_runs SET state = 'COMPLETED', finished_at = :at WHERE id = :id")
                .param("id", id)
                .param("at", Sql.timestamp(at))
                .update();
    }

    public Optional<EmergencyRun> find(UUID id) {
        List<EmergencyRun.Item> items = jdbc.sql("SELECT * FROM emergency_run_keys WHERE run_id = :id ORDER BY key_id")
                .param("id", id)
                .query((rs, n) -> new EmergencyRun.Item(
                        rs.getObject("key_id", UUID.class),
                        EmergencyRun.Outcome.valueOf(rs.getString("outcome")),
                        rs.getObject("rotation_id", UUID.class),
                        rs.getString("error")))
                .list();
        return jdbc.sql("SELECT * FROM emergency_runs WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new EmergencyRun(
                        rs.getObject("id", UUID.class),
                        rs.getString("actor"),
                        rs.getString("reason"),
                        rs.getString("selector"),
                        EmergencyRun.State.valueOf(rs.getString("state")),
                        rs.getInt("total"),
                        Sql.instant(rs, "started_at"),
                        Sql.instant(rs, "contained_at"),
                        Sql.instant(rs, "finished_at"),
                        items))
                .optional();
    }
}
