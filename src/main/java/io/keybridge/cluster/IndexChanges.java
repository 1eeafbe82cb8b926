package io.keybridge.cluster;

import io.keybridge.jdbc.Sql;
import io.keybridge.keys.KeyHash;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The changes each node made to its verification index, in the shared database, for the other nodes to apply. Only
 * written in a cluster; a single node has nobody to tell.
 */
@Repository
public class IndexChanges {

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final ClusterNode node;
    private final Clock clock;

    IndexChanges(JdbcClient jdbc, JdbcTemplate batch, ClusterNode node, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.node = node;
        this.clock = clock;
    }

    /** One change. */
    public record Change(
            long seq,
            String node,
            Kind kind,
            UUID keyId,
            @Nullable UUID versionId,
            @Nullable KeyHash hash) {}

    public enum Kind {
        /** A new version verifies: load it. */
        ACCEPT,
        /** A version is refused from now on. */
        REVOKE,
        /** A key's name, allow-list or other details changed: load it. */
        RENAME
    }

    public void accepted(UUID keyId, UUID versionId) {
        if (node.clustered()) {
            insert(Kind.ACCEPT, keyId, versionId, null);
        }
    }

    public void renamed(UUID keyId) {
        if (node.clustered()) {
            insert(Kind.RENAME, keyId, null, null);
        }
    }

    /** Revocations, written in one batch (a containment may revoke thousands at once). */
    public void revoked(Collection<Revocation> revocations) {
        if (!node.clustered() || revocations.isEmpty()) {
            return;
        }
        java.time.OffsetDateTime now = Sql.timestamp(clock.instant());
        List<Object[]> rows = new ArrayList<>();
        for (Revocation revocation : revocations) {
            rows.add(new Object[] {
                node.id(),
                Kind.REVOKE.name(),
                revocation.keyId(),
                revocation.hash().hex(),
                now
            });
        }
        batch.batchUpdate(
                "INSERT INTO index_changes (node, kind, key_id, key_hash, recorded_at) VALUES (?, ?, ?, ?, ?)", rows);
    }

    /** A version to refuse: its key and hash. */
    public record Revocation(UUID keyId, KeyHash hash) {}

    /**
     * The changes with a sequence number above {@code after}, other nodes' only. Callers re-read a margin below their
     * highest seen number: a transaction that took a lower number may commit after a higher one was read.
     */
    public List<Change> after(long after) {
        return jdbc.sql("SELECT * FROM index_changes WHERE seq > :after AND node <> :node ORDER BY seq")
                .param("after", after)
                .param("node", node.id())
                .query((rs, n) -> new Change(
                        rs.getLong("seq"),
                        rs.getString("node"),
                        Kind.valueOf(rs.getString("kind")),
                        rs.getObject("key_id", UUID.class),
                        rs.getObject("version_id", UUID.class),
                        rs.getString("key_hash") == null ? null : KeyHash.fromHex(rs.getString("key_hash"))))
                .list();
    }

    /** The highest sequence number written so far (0 if none): where a starting node begins reading. */
    public long latest() {
        // COALESCE: on an empty table MAX is NULL, which single() refuses
        return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM index_changes")
                .query(Long.class)
                .single();
    }

    /** Forgets changes older than {@code before}: a node that starts reloads everything anyway. */
    public int prune(Instant before) {
        return jdbc.sql("DELETE FROM index_changes WHERE recorded_at < :before")
                .param("before", Sql.timestamp(before))
                .update();
    }

    private void insert(Kind kind, UUID keyId, @Nullable UUID versionId, @Nullable KeyHash hash) {
        jdbc.sql("""
                        INSERT INTO index_changes (node, kind, key_id, version_id, key_hash, recorded_at)
                        VALUES (:node, :kind, :keyId, :versionId, :hash, :at)""")
                .param("node", node.id())
                .param("kind", kind.name())
                .param("keyId", keyId)
                .param("versionId", versionId)
                .param("hash", hash == null ? null : hash.hex())
                .param("at", Sql.timestamp(clock.instant()))
                .update();
    }
}
