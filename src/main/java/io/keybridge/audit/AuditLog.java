package io.keybridge.audit;

import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
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
    /** Keys of one route and kind that get rows of their own per summary interval; the rest are summed up. */
    private static final int KEYED_PER_FAMILY = 5;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Map<Refusal, RefusalGroup> pendingRefusals = new ConcurrentHashMap<>();
    /** When each group last had a row written: it waits for the summary interval before the next. */
    private final Map<Refusal, Instant> lastWrittenRefusals = new ConcurrentHashMap<>();

    private final Duration refusalSummaryInterval;
    /** Keys with a row of their own per (actor, action, kind), counted over one summary interval. */
    private final Map<Refusal, AtomicInteger> keyedPerFamily = new ConcurrentHashMap<>();

    private volatile Instant keyedCountedSince = Instant.EPOCH;
    private final AtomicLong overflow = new AtomicLong();

    /** @param jdbcTemplate for batch inserts; may be null where nothing is recorded (benchmarks) */
    public AuditLog(
            JdbcClient jdbc,
            JdbcTemplate jdbcTemplate,
            TransactionTemplate transactions,
            Clock clock,
            @Value("${keybridge.audit.refusal-summary-interval:PT1M}") Duration refusalSummaryInterval) {
        this.refusalSummaryInterval = refusalSummaryInterval;
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
    public void recordRefusal(String actor, String action, @Nullable UUID keyId, String kind) {
        recordRefusal(actor, action, keyId, kind, null);
    }

    /**
     * Counts a refused request. Refusals are grouped by actor, action (a route template) and {@code kind}, a word or
     * two from a small fixed set ({@code unauthenticated}, {@code missing scope}, …): what a client can vary at will —
     * the key id, the address, the scopes asked for — goes into {@code detail}, of which each row names a few and
     * counts the rest. A group is written at the next flush, and then at most once per
     * {@code keybridge.audit.refusal-summary-interval} while it goes on, so a flood of refusals costs a few rows a
     * minute, with exact counts. Never blocks, never touches the DB.
     */
    public void recordRefusal(String actor, String action, @Nullable UUID keyId, String kind, @Nullable String detail) {
        Refusal refusal = new Refusal(actor, action, kind, keyId);
        if (keyId != null && !pendingRefusals.containsKey(refusal)) {
            // a row of its own for the first few keys of a route and kind; further keys share the family's row
            Refusal family = new Refusal(actor, action, kind, null);
            if (keyedPerFamily.computeIfAbsent(family, f -> new AtomicInteger()).incrementAndGet() > KEYED_PER_FAMILY) {
                refusal = family;
            }
        }
        if (pendingRefusals.size() >= MAX_PENDING_REFUSALS && !pendingRefusals.containsKey(refusal)) {
            overflow.incrementAndGet();
            return;
        }
        // counted inside compute, atomically with the flush's remove: no count lands in a group already written
        pendingRefusals.compute(refusal, (key, group) -> {
            RefusalGroup counted = group != null ? group : new RefusalGroup(clock.instant(), requestId());
            counted.count(keyId, detail);
            return counted;
        });
    }

    /** Writes the refusals counted since the last flush (a group written recently waits for its interval). */
    @Scheduled(fixedDelayString = "${keybridge.audit.refusal-flush-interval:1s}")
    @Transactional
    public void flushRefusals() {
        flushRefusals(false);
    }

    /** At shutdown: every count, whatever its interval, so none is lost. */
    @PreDestroy
    void flushAllRefusals() {
        transactions.executeWithoutResult(status -> flushRefusals(true));
    }

    private void flushRefusals(boolean all) {
        Instant now = clock.instant();
        List<AuditEntry> entries = new ArrayList<>();
        for (Refusal refusal : new ArrayList<>(pendingRefusals.keySet())) {
            Instant lastWritten = lastWrittenRefusals.get(refusal);
            if (!all && lastWritten != null && now.isBefore(lastWritten.plus(refusalSummaryInterval))) {
                continue; // written a moment ago: this group's next row sums up its interval
            }
            RefusalGroup group = pendingRefusals.remove(refusal);
            if (group == null) {
                continue;
            }
            int count = group.total();
            if (count > 0) {
                lastWrittenRefusals.put(refusal, now);
                entries.add(entry(
                        group.firstAt(),
                        refusal.actor(),
                        refusal.action(),
                        refusal.keyId() != null ? refusal.keyId() : group.singleKeyId(),
                        Outcome.REFUSED,
                        group.firstRequestId(),
                        group.describe(refusal.kind()),
                        count));
            }
        }
        lastWrittenRefusals
                .entrySet()
                .removeIf(written -> now.isAfter(written.getValue().plus(refusalSummaryInterval)));
        if (all || !now.isBefore(keyedCountedSince.plus(refusalSummaryInterval))) {
            keyedPerFamily.clear(); // the next interval's first keys get rows of their own again
            keyedCountedSince = now;
        }
        long dropped = overflow.getAndSet(0);
        if (dropped > 0) {
            log.warn("{} refused requests were counted but not itemised: too many distinct refusals", dropped);
            entries.add(entry(
                    now,
                    "system",
                    "refusals.overflow",
                    null,
                    Outcome.REFUSED,
                    null,
                    "refusals beyond " + MAX_PENDING_REFUSALS + " distinct groups",
                    (int) Math.min(Integer.MAX_VALUE, dropped)));
        }
        write(entries);
    }

    /**
     * Keeps the rows about keys of {@code owners} (by the key's current owner, read from the keys' table: entries carry
     * the key's id, not its owner).
     */
    public static void ownedBy(Set<String> owners, StringBuilder where, Map<String, Object> params) {
        if (owners.isEmpty()) {
            where.append(" AND 1 = 0");
        } else {
            where.append(" AND key_id IN (SELECT id FROM api_keys WHERE owner IN (:owners))");
            params.put("owners", List.copyOf(owners));
        }
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
        if (query.owners() != null) {
            ownedBy(query.owners(), where, params);
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

    /** What refusals are grouped by: all bounded (an actor, a route template, a kind from a fixed set). */
    private record Refusal(
            String actor,
            String action,
            String kind,
            @Nullable UUID keyId) {}

    /**
     * One group's refusals since its last row: the exact count, when and by which request it began, and the first few
     * distinct key ids and details (the rest are only counted, so a caller varying them cannot grow the trail).
     */
    private static final class RefusalGroup {

        private static final int NAMED = 5;

        private final Instant firstAt;
        private final @Nullable String firstRequestId;
        private final AtomicInteger total = new AtomicInteger();
        private final Set<UUID> keyIds = ConcurrentHashMap.newKeySet();
        private final Set<String> details = ConcurrentHashMap.newKeySet();
        private final AtomicInteger otherKeys = new AtomicInteger();
        private final AtomicInteger otherDetails = new AtomicInteger();

        RefusalGroup(Instant firstAt, @Nullable String firstRequestId) {
            this.firstAt = firstAt;
            this.firstRequestId = firstRequestId;
        }

        void count(@Nullable UUID keyId, @Nullable String detail) {
            total.incrementAndGet();
            if (keyId != null && !keyIds.contains(keyId)) {
                if (keyIds.size() < NAMED) {
                    keyIds.add(keyId);
                } else {
                    otherKeys.incrementAndGet();
                }
            }
            if (detail != null && !details.contains(detail)) {
                if (details.size() < NAMED) {
                    details.add(detail.length() > 100 ? detail.substring(0, 100) + "…" : detail);
                } else {
                    otherDetails.incrementAndGet();
                }
            }
        }

        int total() {
            return total.get();
        }

        Instant firstAt() {
            return firstAt;
        }

        @Nullable
        String firstRequestId() {
            return firstRequestId;
        }

        /** The key's id when every refusal of the group named the same key. */
        @Nullable
        UUID singleKeyId() {
            return keyIds.size() == 1 && otherKeys.get() == 0
                    ? keyIds.iterator().next()
                    : null;
        }

        String describe(String kind) {
            StringBuilder text = new StringBuilder(kind);
            if (!details.isEmpty()) {
                text.append(": ").append(String.join(", ", new java.util.TreeSet<>(details)));
                if (otherDetails.get() > 0) {
                    text.append(" and ").append(otherDetails.get()).append(" more");
                }
            }
            if (keyIds.size() > 1 || otherKeys.get() > 0) {
                text.append("; keys ")
                        .append(String.join(
                                ", ",
                                keyIds.stream().map(UUID::toString).sorted().toList()));
                if (otherKeys.get() > 0) {
                    text.append(" and ").append(otherKeys.get()).append(" more");
                }
            }
            return text.toString();
        }
    }
}
