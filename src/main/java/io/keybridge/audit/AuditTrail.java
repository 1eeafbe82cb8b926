package io.keybridge.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Checks the audit trail's hash chain, and exports the trail as JSON Lines. Both stream: any size fits. */
@Service
public class AuditTrail {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public AuditTrail(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Recomputes every chained entry's hash in order and reports the first entry that does not fit. */
    public ChainReport verify() {
        Head head = jdbc.queryForObject(
                "SELECT seq, hash FROM audit_chain WHERE id = 1",
                (rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash").strip()));
        long unchained = jdbc.queryForObject("SELECT COUNT(*) FROM audit_events WHERE chain_seq IS NULL", Long.class);
        Walk walk = new Walk();
        // only up to the head read above: entries appended meanwhile are for the next check
        jdbc.query(
                "SELECT * FROM audit_events WHERE chain_seq IS NOT NULL AND chain_seq <= ? ORDER BY chain_seq",
                (RowCallbackHandler) walk::next,
                head.seq());
        if (walk.broken == null && walk.lastSeq != head.seq()) {
            walk.broken = new BrokenLink(
                    null,
                    walk.lastSeq + 1,
                    "entries #" + (walk.lastSeq + 1) + " to #" + head.seq() + " are missing: the chain's head names #"
                            + head.seq());
        } else if (walk.broken == null && !AuditChain.same(head.hash(), walk.lastHash)) {
            walk.broken =
                    new BrokenLink(null, head.seq(), "the last entry's hash is not the one the chain's head holds");
        }
        return new ChainReport(walk.broken == null, walk.checked, unchained, head.seq(), walk.broken);
    }

    /** Writes the entries in [{@code from}, {@code to}) (either may be null), oldest first, one JSON object a line. */
    public long export(Writer out, @Nullable Instant from, @Nullable Instant to) {
        StringBuilder sql = new StringBuilder("SELECT * FROM audit_events WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (from != null) {
            sql.append(" AND occurred_at >= ?");
            params.add(from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" AND occurred_at < ?");
            params.add(to.atOffset(ZoneOffset.UTC));
        }
        sql.append(" ORDER BY id");
        long[] written = {0};
        jdbc.query(
                sql.toString(),
                (RowCallbackHandler) rs -> {
                    try {
                        out.write(json.writeValueAsString(ExportedEntry.of(rs)));
                        out.write('\n');
                        written[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                params.toArray());
        return written[0];
    }

    /**
     * Chained entries after position {@code seq}, in chain order. Positions are taken in commit order under the head's
     * lock, so a reader that goes by position never skips an entry that commits later.
     */
    public List<ExportedEntry> chainedAfter(long seq, int limit) {
        return jdbc.query(
                "SELECT * FROM audit_events WHERE chain_seq > ? ORDER BY chain_seq LIMIT ?",
                (rs, row) -> ExportedEntry.of(rs),
                seq,
                limit);
    }

    /** The check's outcome: intact, or the first entry that breaks the chain. */
    public record ChainReport(
            boolean intact,
            long entriesChecked,
            long unchainedEntries,
            long headSeq,
            @Nullable BrokenLink firstBroken) {}

    /**
     * @param id the entry's row id, when the entry exists
     * @param chainSeq its place in the chain
     */
    public record BrokenLink(@Nullable Long id, long chainSeq, String problem) {}

    /** One line of an export: the entry with its place in the chain and its hashes, so that anyone can recheck it. */
    public record ExportedEntry(
            long id,
            Instant occurredAt,
            String actor,
            String action,
            @Nullable UUID keyId,
            String outcome,
            @Nullable String requestId,
            @Nullable String detail,
            int occurrences,
            @Nullable Long chainSeq,
            @Nullable String prevHash,
            @Nullable String hash) {

        static ExportedEntry of(ResultSet rs) throws SQLException {
            return new ExportedEntry(
                    rs.getLong("id"),
                    rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                    rs.getString("actor"),
                    rs.getString("action"),
                    rs.getObject("key_id", UUID.class),
                    rs.getString("outcome"),
                    rs.getString("request_id"),
                    rs.getString("detail"),
                    rs.getInt("occurrences"),
                    rs.getObject("chain_seq", Long.class),
                    strip(rs.getString("prev_hash")),
                    strip(rs.getString("hash")));
        }

        private static @Nullable String strip(@Nullable String hash) {
            return hash == null ? null : hash.strip();
        }
    }

    private record Head(long seq, String hash) {}

    /** The walk along the chain: what it expects next, and the first break it met. */
    private static final class Walk {
        private long expectedSeq = 1;
        private long lastSeq = 0;
        private String lastHash = AuditChain.GENESIS;
        private long checked = 0;
        private @Nullable BrokenLink broken;

        void next(ResultSet rs) throws SQLException {
            checked++;
            long id = rs.getLong("id");
            long seq = rs.getLong("chain_seq");
            String stored = rs.getString("hash");
            if (broken == null) {
                if (seq != expectedSeq) {
                    broken = new BrokenLink(
                            id, expectedSeq, "entry #" + expectedSeq + " is missing (the next one is #" + seq + ")");
                } else if (!AuditChain.same(rs.getString("prev_hash"), lastHash)) {
                    broken = new BrokenLink(id, seq, "its previous hash is not the hash of entry #" + (seq - 1));
                } else if (!AuditChain.same(stored, recomputed(rs, seq))) {
                    broken = new BrokenLink(id, seq, "its fields are not the ones its hash was computed from");
                }
            }
            expectedSeq = seq + 1;
            lastSeq = seq;
            lastHash = stored == null ? "" : stored.strip().toLowerCase(java.util.Locale.ROOT);
        }

        private @Nullable String recomputed(ResultSet rs, long seq) throws SQLException {
            try {
                return AuditChain.hash(seq, entry(rs), lastHash);
            } catch (IllegalArgumentException | NullPointerException e) {
                return null; // a field no entry could have (an unknown outcome, a missing actor): changed by hand
            }
        }

        private static AuditEntry entry(ResultSet rs) throws SQLException {
            return new AuditEntry(
                    rs.getLong("id"),
                    rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                    rs.getString("actor"),
                    rs.getString("action"),
                    rs.getObject("key_id", UUID.class),
                    Outcome.valueOf(rs.getString("outcome")),
                    rs.getString("request_id"),
                    rs.getString("detail"),
                    rs.getInt("occurrences"));
        }
    }
}
