package io.keybridge.rotation;

import io.keybridge.cluster.ClusterNode;
import io.keybridge.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The recorded rotations. */
@Repository
class Rotations {

    private final JdbcClient jdbc;
    private final ClusterNode node;

    public Rotations(JdbcClient jdbc, ClusterNode node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /**
     * Records a rotation that starts delivering.
     *
     * @throws RotationInProgressException if the key has a delivering rotation already
     */
    public void start(Rotation rotation) {
        try {
            jdbc.sql("""
                    INSERT INTO rotations (id, key_id, trigger_type, actor, reason, from_version, to_version_id,
                                           to_version, state, overlap_seconds, started_at, old_revoked_at, active_key_id,
                                           node)
                    VALUES (:id, :keyId, :trigger, :actor, :reason, :fromVersion, :toVersionId, :toVersion, :state,
                            :overlap, :startedAt, :oldRevokedAt, :keyId, :node)""")
                    .param("node", node.id())
                    .param("id", rotation.id())
                    .param("keyId", rotation.keyId())
                    .param("trigger", rotation.trigger().name())
                    .param("actor", rotation.actor())
                    .param("reason", rotation.reason())
                    .param("fromVersion", rotation.fromVersion())
                    .param("toVersionId", rotation.toVersionId())
                    .param("toVersion", rotation.toVersion())
                    .param("state", rotation.state().name())
                    .param("overlap", rotation.overlap().toSeconds())
                    .param("startedAt", Sql.timestamp(rotation.startedAt()))
                    .param("oldRevokedAt", Sql.timestamp(rotation.oldRevokedAt()))
                    .update();
        } catch (DataIntegrityViolationException e) {
            if (String.valueOf(e.getMostSpecificCause().getMessage())
                    .toLowerCase(Locale.ROOT)
                    .contains("uq_rotations_one_per_key")) {
                throw new RotationInProgressException(rotation.keyId());
            }
            throw e;
        }
    }

    /** Whether the key has a delivering rotation: exact under the key's row lock, which every start takes. */
    public boolean isDelivering(UUID keyId) {
        return jdbc.sql("SELECT COUNT(*) FROM rotations WHERE active_key_id = :keyId")
                        .param("keyId", keyId)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    /**
     * The new version is confirmed everywhere: the overlap runs until {@code retireAt}, and who is still on the old
     * version is checked when it is half over ({@link StragglerCheck}).
     */
    public void confirmed(UUID id, Instant at, Instant retireAt) {
        Instant halfOver =
                retireAt.isAfter(at) ? at.plus(Duration.between(at, retireAt).dividedBy(2)) : null;
        jdbc.sql("""
                UPDATE rotations SET state = :to, confirmed_at = :at, retire_at = :retireAt, active_key_id = NULL,
                       error = NULL, stragglers_check_at = :halfOver
                WHERE id = :id AND state = :from""")
                .params(move(RotationState.DELIVERING, RotationState.OVERLAP))
                .param("id", id)
                .param("at", Sql.timestamp(at))
                .param("retireAt", Sql.timestamp(retireAt))
                .param("halfOver", Sql.timestamp(halfOver))
                .update();
    }

    /** Rotations in their overlap whose check for stragglers is due, at most {@code limit}. */
    List<Rotation> stragglerChecksDue(Instant now, int limit) {
        return jdbc
                .sql("""
                SELECT * FROM rotations WHERE stragglers_check_at <= :now AND state = 'OVERLAP'
                ORDER BY stragglers_check_at""")
                .param("now", Sql.timestamp(now))
                .query(Rotations::rotation)
                .list() // not stream(): a query's stream holds its connection until it is closed
                .stream()
                .limit(limit)
                .toList();
    }

    /** Takes the rotation's straggler check: true for the one caller (of any node) that gets it. */
    boolean claimStragglerCheck(UUID id) {
        return jdbc.sql(
                                "UPDATE rotations SET stragglers_check_at = NULL WHERE id = :id AND stragglers_check_at IS NOT NULL")
                        .param("id", id)
                        .update()
                == 1;
    }

    /** Delivery failed. */
    public void failed(UUID id, Instant at, String error) {
        jdbc.sql("""
                UPDATE rotations SET state = :to, finished_at = :at, error = :error, active_key_id = NULL
                WHERE id = :id AND state = :from""")
                .params(move(RotationState.DELIVERING, RotationState.FAILED))
                .param("id", id)
                .param("at", Sql.timestamp(at))
                .param("error", Sql.truncate(error, 1000))
                .update();
    }

    /**
     * The overlap ended and the replaced versions are being revoked.
     *
     * @return whether this call moved it (false if another caller did already)
     */
    public boolean revoking(UUID id, Instant at) {
        return jdbc.sql("""
                        UPDATE rotations SET state = :to, old_revoked_at = COALESCE(old_revoked_at, :at),
                               node = :node
                        WHERE id = :id AND state = :from""")
                        .params(move(RotationState.OVERLAP, RotationState.REVOKING))
                        .param("id", id)
                        .param("at", Sql.timestamp(at))
                        .param("node", node.id())
                        .update()
                == 1;
    }

    /**
     * The replaced versions are revoked and handled at the destinations: done.
     *
     * @return whether this call completed it (false if it was completed already)
     */
    /**
     * Containment revoked every version of these keys: their rotations in an overlap are over, their older versions
     * revoked at {@code at} (their overlap-end jobs then find nothing to do).
     */
    public void endedByContainment(java.util.Collection<UUID> keyIds, Instant at) {
        List<UUID> all = new java.util.ArrayList<>(keyIds);
        for (int from = 0; from < all.size(); from += 1000) { // a bounded IN list per statement
            jdbc.sql("""
                    UPDATE rotations SET state = :to, old_revoked_at = COALESCE(old_revoked_at, :at),
                           retire_at = CASE WHEN retire_at > :at THEN :at ELSE retire_at END, finished_at = :at
                    WHERE key_id IN (:keyIds) AND state = :from""")
                    .params(move(RotationState.OVERLAP, RotationState.COMPLETED))
                    .param("keyIds", all.subList(from, Math.min(all.size(), from + 1000)))
                    .param("at", Sql.timestamp(at))
                    .update();
        }
    }

    public boolean completed(UUID id, Instant at) {
        return jdbc.sql("""
                        UPDATE rotations SET state = :to, finished_at = :at
                        WHERE id = :id AND state = :from""")
                        .params(move(RotationState.REVOKING, RotationState.COMPLETED))
                        .param("id", id)
                        .param("at", Sql.timestamp(at))
                        .update()
                == 1;
    }

    /** The parameters {@code :from} and {@code :to} of a move that {@link RotationState#next()} allows. */
    private static Map<String, String> move(RotationState from, RotationState to) {
        return Map.of("from", from.name(), "to", from.to(to).name());
    }

    public Optional<Rotation> find(UUID id) {
        return jdbc.sql("SELECT * FROM rotations WHERE id = :id")
                .param("id", id)
                .query(Rotations::rotation)
                .optional();
    }

    /** A key's rotations, newest first. */
    public List<Rotation> ofKey(UUID keyId) {
        return jdbc.sql("SELECT * FROM rotations WHERE key_id = :keyId ORDER BY started_at DESC")
                .param("keyId", keyId)
                .query(Rotations::rotation)
                .list();
    }

    /** Rotations left delivering by a process that stopped. */
    public List<Rotation> delivering() {
        return jdbc.sql("SELECT * FROM rotations WHERE state = 'DELIVERING'")
                .query(Rotations::rotation)
                .list();
    }

    /**
     * Rotations in an in-flight step ({@code DELIVERING}, {@code REVOKING}) on a node that is not among
     * {@code alive}: left behind by a node that died.
     */
    public List<Rotation> inFlightOnOtherNodes(java.util.Set<String> alive) {
        return jdbc
                .sql("SELECT * FROM rotations WHERE state IN ('DELIVERING', 'REVOKING')")
                .query((rs, n) -> java.util.Map.entry(String.valueOf(rs.getString("node")), rotation(rs, n)))
                .list()
                .stream()
                .filter(owned -> !alive.contains(owned.getKey()))
                .map(java.util.Map.Entry::getValue)
                .toList();
    }

    /** Rotations whose overlap has ended by {@code now} but that are not complete. */
    public List<Rotation> overlapEndedBy(Instant now) {
        return jdbc.sql("SELECT * FROM rotations WHERE state IN ('OVERLAP', 'REVOKING') AND retire_at <= :now")
                .param("now", Sql.timestamp(now))
                .query(Rotations::rotation)
                .list();
    }

    /** Rotations in their overlap, or between revoking the old versions and cleaning them up. */
    public List<Rotation> overlapping() {
        return jdbc.sql("SELECT * FROM rotations WHERE state IN ('OVERLAP', 'REVOKING')")
                .query(Rotations::rotation)
                .list();
    }

    private static Rotation rotation(ResultSet rs, int row) throws SQLException {
        int toVersion = rs.getInt("to_version");
        return new Rotation(
                rs.getObject("id", UUID.class),
                rs.getObject("key_id", UUID.class),
                Trigger.valueOf(rs.getString("trigger_type")),
                rs.getString("actor"),
                rs.getString("reason"),
                rs.getInt("from_version"),
                rs.getObject("to_version_id", UUID.class),
                rs.wasNull() && toVersion == 0 ? null : toVersion,
                RotationState.valueOf(rs.getString("state")),
                Duration.ofSeconds(rs.getLong("overlap_seconds")),
                Sql.instant(rs, "started_at"),
                Sql.instant(rs, "old_revoked_at"),
                Sql.instant(rs, "confirmed_at"),
                Sql.instant(rs, "retire_at"),
                Sql.instant(rs, "finished_at"),
                rs.getString("error"));
    }
}
