package io.keybridge.usage;

import io.keybridge.jdbc.Sql;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Hourly usage per key, and when each scope was last needed. Writes add to what is there (update, else insert, and
 * update again if another node inserted first), each statement on its own, so that nodes sum into the same rows.
 */
@Repository
public class UsageStore {

    private final JdbcClient jdbc;

    UsageStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds counts to the key's row for the hour. */
    void add(UUID keyId, Instant hour, long requests, long missingScope, long sourceRefused) {
        if (update(keyId, hour, requests, missingScope, sourceRefused)) {
            return;
        }
        try {
            jdbc.sql("""
                    INSERT INTO key_usage_hours (key_id, hour_start, requests, missing_scope, source_refused)
                    VALUES (:keyId, :hour, :requests, :missingScope, :sourceRefused)""")
                    .param("keyId", keyId)
                    .param("hour", Sql.timestamp(hour))
                    .param("requests", requests)
                    .param("missingScope", missingScope)
                    .param("sourceRefused", sourceRefused)
                    .update();
        } catch (DuplicateKeyException raced) {
            update(keyId, hour, requests, missingScope, sourceRefused);
        }
    }

    private boolean update(UUID keyId, Instant hour, long requests, long missingScope, long sourceRefused) {
        return jdbc.sql("""
                UPDATE key_usage_hours SET requests = requests + :requests, missing_scope = missing_scope + :missingScope,
                    source_refused = source_refused + :sourceRefused
                WHERE key_id = :keyId AND hour_start = :hour""")
                        .param("keyId", keyId)
                        .param("hour", Sql.timestamp(hour))
                        .param("requests", requests)
                        .param("missingScope", missingScope)
                        .param("sourceRefused", sourceRefused)
                        .update()
                > 0;
    }

    /** The key's hours with requests in [from, to), oldest first. */
    public List<HourCount> hours(UUID keyId, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT hour_start, requests FROM key_usage_hours
                WHERE key_id = :keyId AND hour_start >= :from AND hour_start < :to AND requests > 0
                ORDER BY hour_start""")
                .param("keyId", keyId)
                .param("from", Sql.timestamp(from))
                .param("to", Sql.timestamp(to))
                .query((rs, row) -> new HourCount(Sql.instant(rs, "hour_start"), rs.getLong("requests")))
                .list();
    }

    /** Moves each scope's last use forward to {@code at}. */
    void scopesUsed(UUID keyId, Collection<String> scopes, Instant at) {
        for (String scope : scopes) {
            int moved = jdbc.sql("""
                    UPDATE key_scope_use SET last_used_at = :at
                    WHERE key_id = :keyId AND scope = :scope AND last_used_at < :at""")
                    .param("keyId", keyId)
                    .param("scope", scope)
                    .param("at", Sql.timestamp(at))
                    .update();
            if (moved == 0) {
                try {
                    jdbc.sql("INSERT INTO key_scope_use (key_id, scope, last_used_at) VALUES (:keyId, :scope, :at)")
                            .param("keyId", keyId)
                            .param("scope", scope)
                            .param("at", Sql.timestamp(at))
                            .update();
                } catch (DuplicateKeyException alreadyThere) {
                    // recorded already, as late or later
                }
            }
        }
    }

    /** When each of the key's scopes was last needed by a verified request (scopes never needed are absent). */
    public Map<String, Instant> scopeUse(UUID keyId) {
        return jdbc
                .sql("SELECT scope, last_used_at FROM key_scope_use WHERE key_id = :keyId")
                .param("keyId", keyId)
                .query((rs, row) -> Map.entry(rs.getString("scope"), Sql.instant(rs, "last_used_at")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** For every key: the scopes verified requests needed at or after the instant. */
    public Map<UUID, java.util.Set<String>> scopesUsedSince(Instant since) {
        Map<UUID, java.util.Set<String>> used = new java.util.HashMap<>();
        jdbc.sql("SELECT key_id, scope FROM key_scope_use WHERE last_used_at >= :since")
                .param("since", Sql.timestamp(since))
                .query(rs -> {
                    used.computeIfAbsent(rs.getObject("key_id", UUID.class), id -> new java.util.TreeSet<>())
                            .add(rs.getString("scope"));
                });
        return used;
    }

    /** Deletes hours older than the instant; returns how many. */
    int prune(Instant before) {
        jdbc.sql("DELETE FROM key_sources WHERE last_seen_at < :before")
                .param("before", Sql.timestamp(before))
                .update();
        return jdbc.sql("DELETE FROM key_usage_hours WHERE hour_start < :before")
                .param("before", Sql.timestamp(before))
                .update();
    }

    /** Moves each source's sighting forward (never back: another node may have written a later one). */
    void sourcesSeen(UUID keyId, Collection<SourceSighting> sightings) {
        for (SourceSighting seen : sightings) {
            int moved = jdbc.sql("""
                    UPDATE key_sources SET version = :version, last_seen_at = :at
                    WHERE key_id = :keyId AND source = :source AND last_seen_at < :at""")
                    .param("keyId", keyId)
                    .param("source", seen.source())
                    .param("version", seen.version())
                    .param("at", Sql.timestamp(seen.lastSeenAt()))
                    .update();
            if (moved == 0) {
                try {
                    jdbc.sql("""
                            INSERT INTO key_sources (key_id, source, version, last_seen_at)
                            VALUES (:keyId, :source, :version, :at)""")
                            .param("keyId", keyId)
                            .param("source", seen.source())
                            .param("version", seen.version())
                            .param("at", Sql.timestamp(seen.lastSeenAt()))
                            .update();
                } catch (DuplicateKeyException alreadyThere) {
                    // recorded already, as late or later
                }
            }
        }
    }

    /** The key's sources seen at or after {@code since}, the most recent first, at most {@code limit}. */
    List<SourceSighting> sources(UUID keyId, Instant since, int limit) {
        return jdbc
                .sql("""
                SELECT source, version, last_seen_at FROM key_sources
                WHERE key_id = :keyId AND last_seen_at >= :since
                ORDER BY last_seen_at DESC""")
                .param("keyId", keyId)
                .param("since", Sql.timestamp(since))
                .query((rs, row) -> new SourceSighting(
                        rs.getString("source"), rs.getInt("version"), Sql.instant(rs, "last_seen_at")))
                .list() // not stream(): a query's stream holds its connection until it is closed
                .stream()
                .limit(limit)
                .toList();
    }

    /** The key's hours with any use in [from, to), oldest first, with what was refused. */
    public List<UsageHour> detail(UUID keyId, Instant from, Instant to) {
        return jdbc.sql("""
                SELECT hour_start, requests, missing_scope, source_refused FROM key_usage_hours
                WHERE key_id = :keyId AND hour_start >= :from AND hour_start < :to AND requests > 0
                ORDER BY hour_start""")
                .param("keyId", keyId)
                .param("from", Sql.timestamp(from))
                .param("to", Sql.timestamp(to))
                .query((rs, row) -> new UsageHour(
                        Sql.instant(rs, "hour_start"),
                        rs.getLong("requests"),
                        rs.getLong("missing_scope"),
                        rs.getLong("source_refused")))
                .list();
    }

    /** For each of the keys, its hours with requests in [from, to), oldest first (keys without any are absent). */
    public Map<UUID, List<HourCount>> hoursOf(Collection<UUID> keyIds, Instant from, Instant to) {
        Map<UUID, List<HourCount>> hours = new java.util.HashMap<>();
        if (keyIds.isEmpty()) {
            return hours;
        }
        jdbc.sql("""
                SELECT key_id, hour_start, requests FROM key_usage_hours
                WHERE key_id IN (:keyIds) AND hour_start >= :from AND hour_start < :to AND requests > 0
                ORDER BY hour_start""")
                .param("keyIds", List.copyOf(keyIds))
                .param("from", Sql.timestamp(from))
                .param("to", Sql.timestamp(to))
                .query(rs -> {
                    hours.computeIfAbsent(rs.getObject("key_id", UUID.class), id -> new java.util.ArrayList<>())
                            .add(new HourCount(Sql.instant(rs, "hour_start"), rs.getLong("requests")));
                });
        return hours;
    }

    /** One hour of a key's use. */
    public record HourCount(Instant hour, long requests) {}

    /**
     * One hour of a key's use in full: {@code requests} counts every presentation of a valid version, including those
     * refused for a missing scope or for an address outside the key's allow-list.
     */
    public record UsageHour(Instant hour, long requests, long missingScope, long sourceRefused) {

        /** Verified and allowed. */
        public long valid() {
            return Math.max(0, requests - missingScope - sourceRefused);
        }
    }
}
