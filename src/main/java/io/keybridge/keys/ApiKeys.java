package io.keybridge.keys;

import io.keybridge.jdbc.Sql;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The stored keys and their destinations. */
@Repository
public class ApiKeys {

    private static final String LIVE_NAME_CONSTRAINT = "uq_api_keys_owner_live_name";
    static final String LIVE_REF_CONSTRAINT = "uq_key_destinations_live_ref";

    private final JdbcClient jdbc;

    public ApiKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a new key with its destinations.
     *
     * @throws DuplicateKeyNameException if the owner has a live key of that name
     * @throws DestinationInUseException if another live key is delivered to one of the destinations
     */
    public void add(ApiKey key, List<KeyDestination> destinations) {
        try {
            jdbc.sql("""
                    INSERT INTO api_keys (id, name, owner, environment, scopes, description, status, created_at,
                                          expires_at, live_name, rotation_policy, allowed_sources)
                    VALUES (:id, :name, :owner, :environment, :scopes, :description, :status, :createdAt,
                            :expiresAt, :name, :rotationPolicy, :allowedSources)""")
                    .param("rotationPolicy", key.rotationPolicy())
                    .param("allowedSources", key.allowedSources().stored())
                    .param("id", key.id())
                    .param("name", key.name())
                    .param("owner", key.owner())
                    .param("environment", key.environment().name())
                    .param("scopes", String.join(" ", key.scopes()))
                    .param("description", key.description())
                    .param("status", key.status().name())
                    .param("createdAt", Sql.timestamp(key.createdAt()))
                    .param("expiresAt", Sql.timestamp(key.expiresAt()))
                    .update();
            for (KeyDestination destination : destinations) {
                ConsumerProfile consumer = destination.consumer();
                jdbc.sql("""
                        INSERT INTO key_destinations (id, key_id, position, type, path, ref, live_ref, consumer_kind,
                            consumer_refresh_seconds, consumer_restart_grace_seconds)
                        VALUES (:id, :keyId, :position, :type, :path, :ref, :ref, :consumerKind, :refreshSeconds,
                            :graceSeconds)""")
                        .param("id", destination.id())
                        .param("keyId", destination.keyId())
                        .param("position", destination.position())
                        .param("type", destination.type())
                        .param("path", destination.path())
                        .param("ref", destination.ref())
                        .param(
                                "consumerKind",
                                consumer == null ? null : consumer.kind().name())
                        .param(
                                "refreshSeconds",
                                consumer == null
                                        ? null
                                        : consumer.refreshInterval().toSeconds())
                        .param(
                                "graceSeconds",
                                consumer == null
                                        ? null
                                        : consumer.restartGrace().toSeconds())
                        .update();
            }
        } catch (DataIntegrityViolationException e) {
            if (Sql.violates(e, LIVE_NAME_CONSTRAINT)) {
                throw new DuplicateKeyNameException(key.owner(), key.name());
            }
            if (Sql.violates(e, LIVE_REF_CONSTRAINT)) {
                throw new DestinationInUseException(
                        destinations.stream().map(KeyDestination::ref).toList());
            }
            throw e;
        }
    }

    public Optional<ApiKey> find(UUID id) {
        return jdbc.sql("SELECT * FROM api_keys WHERE id = :id")
                .param("id", id)
                .query(ApiKeys::key)
                .optional();
    }

    /** Keys matching the query, newest first. */
    public Page<ApiKey> search(KeyQuery query, PageRequest pageRequest) {
        Map<String, Object> params = new java.util.HashMap<>();
        String where = where(query, params);
        long total = jdbc.sql("SELECT COUNT(*) FROM api_keys" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<ApiKey> items = jdbc.sql(
                        "SELECT * FROM api_keys" + where + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", pageRequest.size())
                .param("offset", pageRequest.offset())
                .query(ApiKeys::key)
                .list();
        return new Page<>(items, pageRequest.page(), pageRequest.size(), total);
    }

    /** Every key, for the verifier's in-memory index. */
    public List<ApiKey> all() {
        return jdbc.sql("SELECT * FROM api_keys").query(ApiKeys::key).list();
    }

    /** Keys still {@code PENDING}: their issuance was interrupted. */
    public List<ApiKey> pending() {
        return jdbc.sql("SELECT * FROM api_keys WHERE status = 'PENDING' ORDER BY created_at")
                .query(ApiKeys::key)
                .list();
    }

    /**
     * Renames a live key.
     *
     * @return whether a live key with the id was renamed
     * @throws DuplicateKeyNameException if the owner has another live key of that name
     */
    public boolean rename(ApiKey key, String name) {
        try {
            return jdbc.sql("""
                            UPDATE api_keys SET name = :name, live_name = CASE WHEN status = 'REVOKED' THEN NULL ELSE :name END
                            WHERE id = :id""").param("id", key.id()).param("name", name).update() == 1;
        } catch (DataIntegrityViolationException e) {
            if (Sql.violates(e, LIVE_NAME_CONSTRAINT)) {
                throw new DuplicateKeyNameException(key.owner(), name);
            }
            throw e;
        }
    }

    /** Sets the key's scopes. */
    public void changeScopes(UUID id, java.util.SortedSet<String> scopes) {
        jdbc.sql("UPDATE api_keys SET scopes = :scopes WHERE id = :id")
                .param("id", id)
                .param("scopes", String.join(" ", scopes))
                .update();
    }

    /** Sets the key's rotation policy. */
    public void changeRotationPolicy(UUID id, String policy) {
        jdbc.sql("UPDATE api_keys SET rotation_policy = :policy WHERE id = :id")
                .param("id", id)
                .param("policy", policy)
                .update();
    }

    /** Sets where the key may be presented from. */
    public void changeAllowedSources(UUID id, AllowedSources sources) {
        jdbc.sql("UPDATE api_keys SET allowed_sources = :sources WHERE id = :id")
                .param("id", id)
                .param("sources", sources.stored())
                .update();
    }

    /** Records when the key next rotates, and the last rotation error (null once a rotation succeeded). */
    public void rotationPlanned(UUID id, @Nullable Instant next, @Nullable String error) {
        jdbc.sql("UPDATE api_keys SET next_rotation_at = :next, rotation_error = :error WHERE id = :id")
                .param("id", id)
                // Instant.MAX: a cron policy that fires no more
                .param("next", Instant.MAX.equals(next) ? null : Sql.timestamp(next))
                .param("error", Sql.truncate(error, 1000))
                .update();
    }

    /** Marks a pending key active. */
    public void activate(UUID id) {
        jdbc.sql("UPDATE api_keys SET status = 'ACTIVE' WHERE id = :id AND status = 'PENDING'")
                .param("id", id)
                .update();
    }

    /**
     * Whether the key is {@code ACTIVE}, holding its row's lock until the transaction ends: a revocation (which updates
     * the same row) waits for it, or it for the revocation. Rotations take it when they record a new version and when
     * they activate one, so a version is never added to, nor activated on, a key revoked meanwhile.
     */
    public boolean lockIfActive(UUID id) {
        return jdbc.sql("UPDATE api_keys SET status = status WHERE id = :id AND status = 'ACTIVE'")
                        .param("id", id)
                        .update()
                == 1;
    }

    /** Like {@link #lockIfActive}, for any key not revoked (a suspended key's rotation under way finishes). */
    public boolean lockUnlessRevoked(UUID id) {
        return jdbc.sql("UPDATE api_keys SET status = status WHERE id = :id AND status <> 'REVOKED'")
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * Erases a key that never came to be: an issuance refused before anything reached a destination (the caller's
     * path held a secret keybridge does not manage). Its audit entries stay; nothing else of it does.
     */
    public void forget(UUID id) {
        jdbc.sql("DELETE FROM deliveries WHERE version_id IN (SELECT id FROM key_versions WHERE key_id = :id)")
                .param("id", id)
                .update();
        jdbc.sql("DELETE FROM key_versions WHERE key_id = :id").param("id", id).update();
        jdbc.sql("DELETE FROM key_destinations WHERE key_id = :id")
                .param("id", id)
                .update();
        jdbc.sql("DELETE FROM api_keys WHERE id = :id").param("id", id).update();
    }

    /**
     * Revokes a key for good and frees its name and destinations for reuse.
     *
     * @return whether the key was live (false if it was already revoked or does not exist)
     */
    public boolean revoke(UUID id, Instant at, String reason) {
        int updated = jdbc.sql("""
                UPDATE api_keys SET status = 'REVOKED', revoked_at = :at, revoke_reason = :reason, live_name = NULL
                WHERE id = :id AND status <> 'REVOKED'""")
                .param("id", id)
                .param("at", Sql.timestamp(at))
                .param("reason", reason)
                .update();
        jdbc.sql("UPDATE key_destinations SET live_ref = NULL WHERE key_id = :id")
                .param("id", id)
                .update();
        return updated == 1;
    }

    /**
     * Records last use, never moving a timestamp backwards (several writers may flush in any order).
     *
     * @return how many keys were updated
     */
    public int recordLastUse(Map<UUID, Instant> lastUse) {
        int updated = 0;
        for (Map.Entry<UUID, Instant> entry : lastUse.entrySet()) {
            updated += jdbc.sql("""
                    UPDATE api_keys SET last_used_at = :at
                    WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)""")
                    .param("id", entry.getKey())
                    .param("at", Sql.timestamp(entry.getValue()))
                    .update();
        }
        return updated;
    }

    /** Records last use per key version, never moving a timestamp backwards. */
    public void recordVersionLastUse(Map<UUID, Instant> lastUse) {
        for (Map.Entry<UUID, Instant> entry : lastUse.entrySet()) {
            jdbc.sql("""
                    UPDATE key_versions SET last_used_at = :at
                    WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)""")
                    .param("id", entry.getKey())
                    .param("at", Sql.timestamp(entry.getValue()))
                    .update();
        }
    }

    public List<KeyDestination> destinationsOf(UUID keyId) {
        return destinationsOf(List.of(keyId)).stream().toList();
    }

    /** The names of several keys, by id: for pages that list many keys by id. */
    public Map<UUID, String> namesOf(Collection<UUID> keyIds) {
        Map<UUID, String> names = new java.util.HashMap<>();
        List<UUID> all = new ArrayList<>(keyIds);
        for (int from = 0; from < all.size(); from += 1000) { // bounded parameter lists, for every database
            jdbc.sql("SELECT id, name FROM api_keys WHERE id IN (:ids)")
                    .param("ids", all.subList(from, Math.min(all.size(), from + 1000)))
                    .query(rs -> {
                        names.put(rs.getObject("id", UUID.class), rs.getString("name"));
                    });
        }
        return names;
    }

    /** Destinations of several keys, in each key's order. */
    public List<KeyDestination> destinationsOf(Collection<UUID> keyIds) {
        if (keyIds.isEmpty()) {
            return List.of();
        }
        List<KeyDestination> found = new ArrayList<>();
        List<UUID> all = new ArrayList<>(keyIds);
        for (int from = 0; from < all.size(); from += 1000) { // bounded parameter lists, for every database
            found.addAll(jdbc.sql("SELECT * FROM key_destinations WHERE key_id IN (:ids) ORDER BY key_id, position")
                    .param("ids", all.subList(from, Math.min(all.size(), from + 1000)))
                    .query((rs, n) -> new KeyDestination(
                            rs.getObject("id", UUID.class),
                            rs.getObject("key_id", UUID.class),
                            rs.getInt("position"),
                            rs.getString("type"),
                            rs.getString("path"),
                            rs.getString("ref"),
                            consumer(rs)))
                    .list());
        }
        return found;
    }

    /**
     * The stored consumer profile, or null. A kind this release does not know (written by a newer one) reads as
     * {@code custom} with the stored intervals, so one row cannot stop a listing.
     */
    private static @Nullable ConsumerProfile consumer(ResultSet rs) throws SQLException {
        String kind = rs.getString("consumer_kind");
        if (kind == null) {
            return null;
        }
        ConsumerProfile.Kind known = Arrays.stream(ConsumerProfile.Kind.values())
                .filter(k -> k.name().equals(kind))
                .findFirst()
                .orElse(ConsumerProfile.Kind.CUSTOM);
        return new ConsumerProfile(
                known,
                Duration.ofSeconds(rs.getLong("consumer_refresh_seconds")),
                Duration.ofSeconds(rs.getLong("consumer_restart_grace_seconds")));
    }

    /** The live key delivered to the destination, if any. */
    public Optional<UUID> liveKeyAt(String type, String ref) {
        return jdbc.sql("SELECT key_id FROM key_destinations WHERE type = :type AND live_ref = :ref")
                .param("type", type)
                .param("ref", ref)
                .query(UUID.class)
                .optional();
    }

    /** How many keys there are in each status. */
    public Map<KeyStatus, Long> countByStatus() {
        Map<KeyStatus, Long> counts = new java.util.EnumMap<>(KeyStatus.class);
        for (KeyStatus status : KeyStatus.values()) {
            counts.put(status, 0L);
        }
        jdbc.sql("SELECT status, COUNT(*) AS n FROM api_keys GROUP BY status").query(rs -> {
            counts.put(KeyStatus.valueOf(rs.getString("status")), rs.getLong("n"));
        });
        return counts;
    }

    /** Active keys whose last rotation attempt failed, or whose rotation was planned before {@code plannedBefore}. */
    public List<ApiKey> rotationOverdue(Instant plannedBefore) {
        return jdbc.sql("SELECT * FROM api_keys WHERE status = 'ACTIVE'"
                        + " AND (rotation_error IS NOT NULL OR next_rotation_at < :before)")
                .param("before", Sql.timestamp(plannedBefore))
                .query(ApiKeys::key)
                .list();
    }

    /**
     * Active keys none of whose versions verifies, the last revoked before the instant, and no rotation delivering: an
     * emergency rotation stopped between containment and re-issuing (a crash, a node's death).
     */
    public List<UUID> containedWithoutSuccessor(Instant revokedBefore) {
        return jdbc.sql("""
                        SELECT k.id FROM api_keys k WHERE k.status = 'ACTIVE'
                          AND NOT EXISTS (SELECT 1 FROM key_versions v WHERE v.key_id = k.id AND v.state <> 'REVOKED')
                          AND (SELECT MAX(v.revoked_at) FROM key_versions v WHERE v.key_id = k.id) < :before
                          AND NOT EXISTS (SELECT 1 FROM rotations r WHERE r.key_id = k.id AND r.state = 'DELIVERING')""")
                .param("before", Sql.timestamp(revokedBefore))
                .query(UUID.class)
                .list();
    }

    /**
     * Active keys whose next rotation is due by {@code now} and that no rotation is delivering, the longest due first,
     * with their current version.
     */
    public List<DueKey> dueForRotation(Instant now, int limit) {
        return jdbc.sql("""
                        SELECT k.id, k.rotation_policy, v.version, v.expires_at FROM api_keys k
                        LEFT JOIN key_versions v ON v.key_id = k.id AND v.state = 'ACTIVE'
                        WHERE k.status = 'ACTIVE' AND k.next_rotation_at <= :now
                          AND NOT EXISTS (SELECT 1 FROM rotations r WHERE r.active_key_id = k.id)
                        ORDER BY k.next_rotation_at
                        LIMIT :limit""")
                .param("now", Sql.timestamp(now))
                .param("limit", limit)
                .query((rs, row) -> new DueKey(
                        rs.getObject("id", UUID.class),
                        rs.getString("rotation_policy"),
                        (Integer) rs.getObject("version"),
                        Sql.instant(rs, "expires_at")))
                .list();
    }

    /** Active keys whose next rotation is planned before the instant. */
    public List<ApiKey> rotatingBefore(Instant before) {
        return jdbc.sql("SELECT * FROM api_keys WHERE status = 'ACTIVE' AND next_rotation_at < :before")
                .param("before", Sql.timestamp(before))
                .query(ApiKeys::key)
                .list();
    }

    /** Active keys that expire before the instant. */
    public List<ApiKey> expiringBefore(Instant before) {
        return jdbc.sql("SELECT * FROM api_keys WHERE status = 'ACTIVE' AND expires_at < :before")
                .param("before", Sql.timestamp(before))
                .query(ApiKeys::key)
                .list();
    }

    /** Keys in the status last used (or, never used, created) before the instant. */
    public List<ApiKey> unusedSince(Instant before, KeyStatus status) {
        return jdbc.sql(
                        "SELECT * FROM api_keys WHERE status = :status AND COALESCE(last_used_at, created_at) < :before")
                .param("before", Sql.timestamp(before))
                .param("status", status.name())
                .query(ApiKeys::key)
                .list();
    }

    /** Moves a key between {@code ACTIVE} and {@code SUSPENDED}; false if it was not in {@code from}. */
    public boolean changeStatus(UUID id, KeyStatus from, KeyStatus to) {
        return jdbc.sql("UPDATE api_keys SET status = :to WHERE id = :id AND status = :from")
                        .param("id", id)
                        .param("from", from.name())
                        .param("to", to.name())
                        .update()
                == 1;
    }

    /** Every key the query matches, in no particular order: for selecting many keys at once (bulk emergency). */
    public List<ApiKey> matching(KeyQuery query) {
        Map<String, Object> params = new java.util.HashMap<>();
        return jdbc.sql("SELECT * FROM api_keys" + where(query, params))
                .params(params)
                .query(ApiKeys::key)
                .list();
    }

    private static String where(KeyQuery query, Map<String, Object> params) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (query.status() != null) {
            where.append(" AND status = :status");
            params.put("status", query.status().name());
        }
        if (query.owner() != null) {
            where.append(" AND owner = :owner");
            params.put("owner", query.owner());
        }
        if (query.owners() != null) {
            if (query.owners().isEmpty()) {
                where.append(" AND 1 = 0");
            } else {
                where.append(" AND owner IN (:owners)");
                params.put("owners", List.copyOf(query.owners()));
            }
        }
        if (query.environment() != null) {
            where.append(" AND environment = :environment");
            params.put("environment", query.environment().name());
        }
        if (query.scope() != null) {
            // scopes are stored space-separated and contain no spaces themselves
            where.append(" AND (' ' || scopes || ' ') LIKE :scope ESCAPE '\\'");
            params.put("scope", "% " + likeLiteral(query.scope()) + " %");
        }
        if (query.text() != null && !query.text().isBlank()) {
            where.append(" AND (LOWER(name) LIKE :text ESCAPE '\\' OR LOWER(owner) LIKE :text ESCAPE '\\'"
                    + " OR LOWER(COALESCE(description, '')) LIKE :text ESCAPE '\\')");
            params.put("text", "%" + likeLiteral(query.text().strip().toLowerCase(Locale.ROOT)) + "%");
        }
        if (query.attention() != null) {
            where.append(" AND status = 'ACTIVE' AND (rotation_error IS NOT NULL"
                    + " OR COALESCE(last_used_at, created_at) < :dormantBefore OR expires_at < :expiringBefore)");
            params.put("dormantBefore", Sql.timestamp(query.attention().dormantBefore()));
            params.put("expiringBefore", Sql.timestamp(query.attention().expiringBefore()));
        }
        return where.toString();
    }

    /** The text as a LIKE pattern that matches only itself: {@code %}, {@code _} and the escape are escaped. */
    static String likeLiteral(String text) {
        return text.replaceAll("([\\\\%_])", "\\\\$1");
    }

    private static ApiKey key(ResultSet rs, int row) throws SQLException {
        String scopes = rs.getString("scopes");
        return new ApiKey(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("owner"),
                Environment.valueOf(rs.getString("environment")),
                new TreeSet<>(scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(" "))),
                rs.getString("description"),
                KeyStatus.valueOf(rs.getString("status")),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "expires_at"),
                Sql.instant(rs, "last_used_at"),
                Sql.instant(rs, "revoked_at"),
                rs.getString("revoke_reason"),
                rs.getString("rotation_policy"),
                Sql.instant(rs, "next_rotation_at"),
                rs.getString("rotation_error"),
                AllowedSources.parse(rs.getString("allowed_sources")));
    }
}
