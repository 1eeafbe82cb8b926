package io.keybridge.audit;

import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes and reads the audit trail.
 *
 * <p>Management actions are written at once, in the caller's transaction. Refused requests (bad keys at
 * {@code /verify}, bad bearer tokens) are counted in memory and written once a second, one row per distinct refusal
 * with its number of occurrences and the request id of the first, so that a flood of bad requests cannot turn into a flood of database writes.
 */
@Service
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    /** Distinct refusals kept between flushes; beyond it, refusals are only counted. */
    private static final int MAX_PENDING_REFUSALS = 10_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Map<Refusal, AtomicInteger> pendingRefusals = new ConcurrentHashMap<>();
    private final Map<Refusal, FirstSeen> firstSeen = new ConcurrentHashMap<>();
    private final AtomicLong overflow = new AtomicLong();

    /** @param jdbcTemplate for batch inserts; may be null where nothing is recorded (benchmarks) */
    public AuditLog(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate transactions, Clock clock) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Records a management action: with the current transaction if there is one (written, chained, as it commits),
     * else at once.
     */
    public void record(String actor, String action, @Nullable UUID keyId, Outcome outcome, @Nullable String detail) {
        write(List.of(entry(clock.instant(), actor, action, keyId, outcome, requestId(), detail, 1)));
    }

    /** Records the same action on many keys, with the current transaction if there is one, else at once. */
    public void recordAll(
            String actor, String action, java.util.Collection<UUID> keyIds, Outcome outcome, String detail) {
        Instant now = clock.instant();
        String requestId = requestId();
        write(keyIds.stream()
                .map(keyId -> entry(now, actor, action, keyId, outcome, requestId, detail, 1))
                .toList());
    }

    /** Counts a refused request; written by the next {@link #flushRefusals()}. Never blocks, never touches the DB. */
    public void recordRefusal(String actor, String action, @Nullable UUID keyId, String reason) {
        Refusal refusal = new Refusal(actor, action, keyId, reason);
        AtomicInteger count = pendingRefusals.get(refusal);
        if (count == null) {
            if (pendingRefusals.size() >= MAX_PENDING_REFUSALS) {
                overflow.incrementAndGet();
                return;
            }
            firstSeen.putIfAbsent(refusal, new FirstSeen(clock.instant(), requestId()));
            count = pendingRefusals.computeIfAbsent(refusal, r -> new AtomicInteger());
        }
        count.incrementAndGet();
    }

    /** Writes the refusals counted since the last flush. */
    @Scheduled(fixedDelayString = "${keybridge.audit.refusal-flush-interval:1s}")
    @Transactional
    public void flushRefusals() {
        List<AuditEntry> entries = new ArrayList<>();
        for (Refusal refusal : new ArrayList<>(pendingRefusals.keySet())) {
            AtomicInteger count = pendingRefusals.remove(refusal);
            FirstSeen first = firstSeen.remove(refusal);
            if (count != null && count.get() > 0) {
                entries.add(entry(
                        first == null ? clock.instant() : first.at(),
                        refusal.actor(),
                        refusal.action(),
                        refusal.keyId(),
                        Outcome.REFUSED,
                        first == null ? null : first.requestId(),
                        refusal.reason(),
                        count.get()));
            }
        }
        long dropped = overflow.getAndSet(0);
        if (dropped > 0) {
            log.warn("{} refused requests were counted but not itemised: too many distinct refusals", dropped);
            entries.add(entry(
                    clock.instant(),
                    "system",
                    "refusals.overflow",
                    null,
                    Outcome.REFUSED,
                    null,
                    "distinct refusals beyond " + MAX_PENDING_REFUSALS + " per second",
                    (int) Math.min(Integer.MAX_VALUE, dropped)));
        }
        write(entries);
    }

    /** Entries matching the query, newest first. */
    @Transactional(readOnly = true)
    public Page<AuditEntry> search(AuditQuery query, PageRequest pageRequest) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (query.keyId() != null) {
            where.append(" AND key_id = :keyId");
            params.put("keyId", query.keyId());
        }
        if (query.actor() != null) {
            where.append(" AND actor = :actor");
            params.put("actor", query.actor());
        }
        if (query.action() != null) {
            where.append(" AND action = :action");
            params.put("action", query.action());
        }
        if (query.from() != null) {
            where.append(" AND occurred_at >= :from");
            params.put("from", query.from().atOffset(ZoneOffset.UTC));
        }
        if (query.to() != null) {
            where.append(" AND occurred_at < :to");
            params.put("to", query.to().atOffset(ZoneOffset.UTC));
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM audit_events" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<AuditEntry> items = jdbc.sql("SELECT * FROM audit_events" + where
                        + " ORDER BY occurred_at DESC, id DESC LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", pageRequest.size())
                .param("offset", pageRequest.offset())
                .query((rs, n) -> new AuditEntry(
                        rs.getLong("id"),
                        rs.getObject("occurred_at", java.time.OffsetDateTime.class)
                                .toInstant(),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getObject("key_id", UUID.class),
                        Outcome.valueOf(rs.getString("outcome")),
                        rs.getString("request_id"),
                        rs.getString("detail"),
                        rs.getInt("occurrences")))
                .list();
        return new Page<>(items, pageRequest.page(), pageRequest.size(), total);
    }

    /**
     * Entries recorded in a transaction are written when it commits, as its very last statements, so the chain's head
     * is locked only from there to the commit and always after every other lock the transaction takes (no deadlock
     * with it); a rolled-back transaction leaves no entry. Outside a transaction, entries are written at once.
     */
    private void write(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()
                && TransactionSynchronizationManager.isActualTransactionActive()) {
            pending().entries.addAll(entries);
        } else {
            transactions.executeWithoutResult(status -> append(entries));
        }
    }

    /** This transaction's entries (a suspended outer transaction keeps its own: its synchronizations are hidden). */
    private PendingEntries pending() {
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (synchronization instanceof PendingEntries pending && pending.owner == this) {
                return pending;
            }
        }
        PendingEntries pending = new PendingEntries(this);
        TransactionSynchronizationManager.registerSynchronization(pending);
        return pending;
    }

    /** Chains and inserts entries, holding the chain's head (a row lock) until the transaction ends. */
    private void append(List<AuditEntry> entries) {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE")
                .query((rs, n) ->
                        new Head(rs.getLong("seq"), rs.getString("hash").strip()))
                .single();
        long seq = head.seq();
        String previous = head.hash();
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (AuditEntry entry : entries) {
            seq++;
            String hash = AuditChain.hash(seq, entry, previous);
            rows.add(new Object[] {
                entry.occurredAt().atOffset(ZoneOffset.UTC),
                entry.actor(),
                entry.action(),
                entry.keyId(),
                entry.outcome().name(),
                entry.requestId(),
                entry.detail(),
                entry.occurrences(),
                seq,
                previous,
                hash
            });
            previous = hash;
        }
        jdbcTemplate.batchUpdate(
                "INSERT INTO audit_events (occurred_at, actor, action, key_id, outcome, request_id, detail, occurrences,"
                        + " chain_seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows);
        jdbc.sql("UPDATE audit_chain SET seq = :seq, hash = :hash WHERE id = 1")
                .param("seq", seq)
                .param("hash", previous)
                .update();
    }

    /** An entry as it will be stored (and hashed): time to the microsecond, text cut to its column. */
    private static AuditEntry entry(
            Instant at,
            String actor,
            String action,
            @Nullable UUID keyId,
            Outcome outcome,
            @Nullable String requestId,
            @Nullable String detail,
            int occurrences) {
        return new AuditEntry(
                null,
                AuditChain.stored(at),
                truncate(actor, 100),
                truncate(action, 64),
                keyId,
                outcome,
                requestId == null ? null : truncate(requestId, 64),
                detail == null ? null : truncate(detail, 2000),
                occurrences);
    }

    private static @Nullable String requestId() {
        return MDC.get("requestId");
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private record Head(long seq, String hash) {}

    /** The entries a transaction recorded, written just before it commits. */
    private static final class PendingEntries implements TransactionSynchronization {
        private final AuditLog owner;
        private final List<AuditEntry> entries = new ArrayList<>();

        PendingEntries(AuditLog owner) {
            this.owner = owner;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            if (!entries.isEmpty()) {
                owner.append(entries);
            }
        }
    }

    /** When a refusal was first counted, and the request id of that first request. */
    private record FirstSeen(Instant at, @Nullable String requestId) {}

    private record Refusal(
            String actor, String action, @Nullable UUID keyId, String reason) {}
}
