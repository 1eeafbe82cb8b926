package io.keybridge.keys;

import io.keybridge.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The stored versions of keys' secrets (as hashes) and their deliveries. */
@Repository
public class KeyVersions {

    private final JdbcClient jdbc;

    public KeyVersions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a version and a {@code PENDING} delivery for each destination. */
    public void add(KeyVersion version, List<KeyDestination> destinations, Instant now) {
        jdbc.sql("""
                INSERT INTO key_versions (id, key_id, version, key_hash, display_prefix, state, created_at, expires_at)
                VALUES (:id, :keyId, :version, :hash, :displayPrefix, :state, :createdAt, :expiresAt)""")
                .param("id", version.id())
                .param("keyId", version.keyId())
                .param("version", version.version())
                .param("hash", version.hash().hex())
                .param("displayPrefix", version.displayPrefix())
                .param("state", version.state().name())
                .param("createdAt", Sql.timestamp(version.createdAt()))
                .param("expiresAt", Sql.timestamp(version.expiresAt()))
                .update();
        for (KeyDestination destination : destinations) {
            jdbc.sql("""
                    INSERT INTO deliveries (version_id, destination_id, state, updated_at)
                    VALUES (:versionId, :destinationId, 'PENDING', :now)""")
                    .param("versionId", version.id())
                    .param("destinationId", destination.id())
                    .param("now", Sql.timestamp(now))
                    .update();
        }
    }

    /** All versions of a key, oldest first. */
    public List<KeyVersion> ofKey(UUID keyId) {
        return ofKeys(List.of(keyId));
    }

    /** The key's current version: its newest {@code ACTIVE} one (none while a first delivery is pending). */
    public @Nullable KeyVersion currentOf(UUID keyId) {
        return ofKey(keyId).stream()
                .filter(version -> version.state() == VersionState.ACTIVE)
                .max(java.util.Comparator.comparingInt(KeyVersion::version))
                .orElse(null);
    }

    /**
     * The versions a rotation to {@code version} replaces: the key's older ones that still verify (pending, active or
     * retiring), oldest first.
     */
    public List<KeyVersion> liveOlderThan(UUID keyId, int version) {
        return ofKey(keyId).stream()
                .filter(v -> v.version() < version && v.state().verifies())
                .toList();
    }

    /** All versions of several keys, by key and then oldest first. */
    public List<KeyVersion> ofKeys(Collection<UUID> keyIds) {
        if (keyIds.isEmpty()) {
            return List.of();
        }
        List<KeyVersion> found = new ArrayList<>();
        List<UUID> all = new ArrayList<>(keyIds);
        for (int from = 0; from < all.size(); from += 1000) { // bounded parameter lists, for every database
            found.addAll(jdbc.sql("SELECT * FROM key_versions WHERE key_id IN (:ids) ORDER BY key_id, version")
                    .param("ids", all.subList(from, Math.min(all.size(), from + 1000)))
                    .query(KeyVersions::version)
                    .list());
        }
        return found;
    }

    /** The version whose secret has this hash, if keybridge issued it. */
    public java.util.Optional<KeyVersion> findByHash(KeyHash hash) {
        return jdbc.sql("SELECT * FROM key_versions WHERE key_hash = :hash")
                .param("hash", hash.hex())
                .query(KeyVersions::version)
                .optional();
    }

    /** Every version of every key, for the verifier's in-memory index. */
    public List<KeyVersion> all() {
        return jdbc.sql("SELECT * FROM key_versions")
                .query(KeyVersions::version)
                .list();
    }

    /** When the version was last used, as last written (see the verifier's last-use recorder for newer). */
    public @Nullable Instant lastUsed(UUID versionId) {
        return jdbc
                .sql("SELECT last_used_at FROM key_versions WHERE id = :id")
                .param("id", versionId)
                .query((rs, n) -> java.util.Optional.ofNullable(Sql.instant(rs, "last_used_at")))
                .list()
                .stream()
                .flatMap(java.util.Optional::stream)
                .findFirst()
                .orElse(null);
    }

    /**
     * Revokes every live version of the given keys in a few statements (containment of many keys at once).
     *
     * @return the versions revoked
     */
    public List<KeyVersion> revokeAllOf(Collection<UUID> keyIds, Instant at) {
        List<KeyVersion> revoked = new ArrayList<>();
        List<UUID> all = new ArrayList<>(keyIds);
        for (int from = 0; from < all.size(); from += 1000) {
            List<UUID> chunk = all.subList(from, Math.min(all.size(), from + 1000));
            revoked.addAll(jdbc.sql("SELECT * FROM key_versions WHERE key_id IN (:ids) AND state <> 'REVOKED'")
                    .param("ids", chunk)
                    .query(KeyVersions::version)
                    .list());
            jdbc.sql(
                            "UPDATE key_versions SET state = 'REVOKED', revoked_at = :at WHERE key_id IN (:ids) AND state <> 'REVOKED'")
                    .param("ids", chunk)
                    .param("at", Sql.timestamp(at))
                    .update();
        }
        return revoked;
    }

    /** Moves a version to a new state. */
    public void changeState(UUID versionId, VersionState state, Instant at) {
        jdbc.sql("""
                UPDATE key_versions SET state = :state,
                       revoked_at = CASE WHEN :state = 'REVOKED' THEN :at ELSE revoked_at END
                WHERE id = :id""")
                .param("id", versionId)
                .param("state", state.name())
                .param("at", Sql.timestamp(at))
                .update();
    }

    /** Records a delivery's progress. */
    public void updateDelivery(
            UUID versionId,
            UUID destinationId,
            DeliveryState state,
            @Nullable String remoteVersion,
            boolean createdPath,
            @Nullable String error,
            Instant at) {
        jdbc.sql("""
                UPDATE deliveries SET state = :state, remote_version = COALESCE(:remoteVersion, remote_version),
                       created_path = :createdPath, error = :error, updated_at = :at
                WHERE version_id = :versionId AND destination_id = :destinationId""")
                .param("versionId", versionId)
                .param("destinationId", destinationId)
                .param("state", state.name())
                .param("remoteVersion", remoteVersion)
                .param("createdPath", createdPath)
                .param("error", Sql.truncate(error, 1000))
                .param("at", Sql.timestamp(at))
                .update();
    }

    /**
     * Whether a later write of another version reached the destination under the destination version that this
     * delivery only planned. Vault's check-and-set gives each version number to one write, so the planned write never
     * landed, and that number holds the other version (or held it: both may be removed together, the other one first).
     */
    public boolean plannedVersionTakenByAnother(Delivery delivery) {
        return delivery.remoteVersion() != null
                && jdbc.sql("""
                                SELECT COUNT(*) FROM deliveries
                                WHERE destination_id = :destinationId AND remote_version = :remoteVersion
                                  AND version_id <> :versionId
                                  AND state IN ('WRITTEN', 'CONFIRMED', 'REMOVED', 'REMOVAL_FAILED')""")
                                .param("destinationId", delivery.destinationId())
                                .param("remoteVersion", delivery.remoteVersion())
                                .param("versionId", delivery.versionId())
                                .query(Integer.class)
                                .single()
                        > 0;
    }

    /**
     * Revoked keys of which some version may still be at a destination (a delivery written, confirmed, planned, or
     * whose removal failed): their clean-up is owed. At most {@code limit}, oldest revocation first.
     */
    public List<UUID> revokedKeysWithLiveDeliveries(int limit) {
        return jdbc.sql("""
                        SELECT k.id FROM api_keys k WHERE k.status = 'REVOKED' AND EXISTS (
                          SELECT 1 FROM key_versions v JOIN deliveries d ON d.version_id = v.id
                          WHERE v.key_id = k.id AND d.remote_version IS NOT NULL
                            AND d.state IN ('PENDING', 'WRITTEN', 'CONFIRMED', 'REMOVAL_FAILED'))
                        ORDER BY k.revoked_at FETCH FIRST :limit ROWS ONLY""").param("limit", limit).query(UUID.class).list();
    }

    /**
     * The store versions recorded at each of the given destinations (planned or written, whatever became of them),
     * by destination: what a store plans its next write from ({@code SecretDestination.planFromRecord}).
     */
    public Map<UUID, List<String>> remoteVersionsAt(Collection<UUID> destinationIds) {
        if (destinationIds.isEmpty()) {
            return Map.of();
        }
        Map<UUID, List<String>> recorded = new HashMap<>();
        jdbc.sql("""
                        SELECT destination_id, remote_version FROM deliveries
                        WHERE destination_id IN (:ids) AND remote_version IS NOT NULL""").param("ids", new ArrayList<>(destinationIds)).query(rs -> {
            recorded.computeIfAbsent(rs.getObject("destination_id", UUID.class), id -> new ArrayList<>())
                    .add(rs.getString("remote_version"));
        });
        return recorded;
    }

    /** Deliveries of the given versions. */
    public List<Delivery> deliveriesOf(Collection<UUID> versionIds) {
        if (versionIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT d.*, v.created_at AS version_created_at FROM deliveries d
                        JOIN key_versions v ON v.id = d.version_id
                        WHERE d.version_id IN (:ids)""")
                .param("ids", new ArrayList<>(versionIds))
                .query((rs, n) -> new Delivery(
                        rs.getObject("version_id", UUID.class),
                        rs.getObject("destination_id", UUID.class),
                        DeliveryState.valueOf(rs.getString("state")),
                        rs.getString("remote_version"),
                        rs.getBoolean("created_path"),
                        rs.getString("error"),
                        Sql.instant(rs, "updated_at"),
                        Sql.instant(rs, "version_created_at")))
                .list();
    }

    private static KeyVersion version(ResultSet rs, int row) throws SQLException {
        return new KeyVersion(
                rs.getObject("id", UUID.class),
                rs.getObject("key_id", UUID.class),
                rs.getInt("version"),
                KeyHash.fromHex(rs.getString("key_hash")),
                rs.getString("display_prefix"),
                VersionState.valueOf(rs.getString("state")),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "expires_at"),
                Sql.instant(rs, "revoked_at"));
    }
}
