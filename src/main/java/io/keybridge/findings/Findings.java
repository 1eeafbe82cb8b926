package io.keybridge.findings;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.jdbc.Sql;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raises and lists findings. Raising is idempotent per {@link NewFinding#dedupeKey()}, so sweeps may run on every node
 * and again after a restart; each finding raised is audited (and so announced by webhooks) and counted in
 * {@code keybridge.findings}.
 */
@Service
public class Findings {

    private static final Logger log = LoggerFactory.getLogger(Findings.class);
    /** Who resolves a finding whose condition went away. */
    public static final String SYSTEM = "keybridge";

    private static final List<String> RECURRING = Arrays.stream(FindingKind.values())
            .filter(FindingKind::recurs)
            .map(Enum::name)
            .toList();

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final AuditLog audit;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Findings(
            JdbcClient jdbc,
            PlatformTransactionManager transactionManager,
            AuditLog audit,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        // its own transaction: a duplicate must not spoil a caller's transaction (PostgreSQL aborts it on any error)
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.audit = audit;
        this.json = json;
        this.meters = meters;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Raises a finding unless the same one (kind and dedupe key) was raised before; returns it only if new. The same
     * one noticed again while unresolved moves its {@code lastSeenAt}; noticed again after it was resolved it opens a
     * new finding if its kind {@linkplain FindingKind#recurs() recurs}.
     */
    public Optional<Finding> raise(NewFinding found) {
        Instant now = clock.instant();
        Finding finding = Finding.open(
                UUID.randomUUID(),
                found.keyId(),
                found.kind(),
                found.severity(),
                now,
                Sql.truncate(found.summary(), 500),
                found.evidence());
        String dedupe = Sql.truncate(found.dedupeKey(), 200);
        try {
            boolean added = Boolean.TRUE.equals(ownTransaction.execute(status -> {
                boolean seenAgain = jdbc.sql("""
                                UPDATE findings SET last_seen_at = :now
                                WHERE kind = :kind AND dedupe_key = :dedupe AND status <> 'RESOLVED'""")
                                .param("now", Sql.timestamp(now))
                                .param("kind", found.kind().name())
                                .param("dedupe", dedupe)
                                .update()
                        > 0;
                if (seenAgain || exists(found.kind(), dedupe)) {
                    return false;
                }
                insert(finding, dedupe);
                audit.record(
                        SYSTEM,
                        found.kind().auditAction(),
                        found.keyId(),
                        Outcome.SUCCESS,
                        found.kind() + " " + found.severity() + ": " + finding.summary());
                return true;
            }));
            if (!added) {
                return Optional.empty();
            }
        } catch (DuplicateKeyException raced) {
            return Optional.empty(); // another node raised it at the same moment
        }
        Counter.builder("keybridge.findings")
                .description("Findings raised, by kind and severity")
                .tag("kind", found.kind().name())
                .tag("severity", found.severity().name())
                .register(meters)
                .increment();
        log.warn(
                "finding {} {} about key {}: {}",
                finding.kind(),
                finding.severity(),
                finding.keyId(),
                finding.summary());
        events.publishEvent(new FindingRaised(finding));
        return Optional.of(finding);
    }

    private boolean exists(FindingKind kind, String dedupe) {
        return jdbc.sql("SELECT COUNT(*) FROM findings WHERE kind = :kind AND dedupe_key = :dedupe")
                        .param("kind", kind.name())
                        .param("dedupe", dedupe)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** When the finding of this kind and dedupe key was raised, if it was (and was not resolved since, if it recurs). */
    public Optional<Instant> raisedAt(FindingKind kind, String dedupeKey) {
        return jdbc.sql("SELECT raised_at FROM findings WHERE kind = :kind AND dedupe_key = :dedupe")
                .param("kind", kind.name())
                .param("dedupe", Sql.truncate(dedupeKey, 200))
                .query((rs, row) -> Sql.instant(rs, "raised_at"))
                .optional();
    }

    public Optional<Finding> find(UUID id) {
        return jdbc.sql("SELECT * FROM findings WHERE id = :id")
                .param("id", id)
                .query(this::finding)
                .optional();
    }

    /**
     * {@code OPEN → ACKNOWLEDGED}: someone has it in hand. Audited as {@code finding.acknowledged}.
     *
     * @throws FindingNotFoundException if there is no such finding
     * @throws FindingTransitionException if it is acknowledged or resolved already
     */
    public Finding acknowledge(UUID id, String actor, String note) {
        return transition(
                        id,
                        actor,
                        "acknowledged",
                        note,
                        finding -> finding.status() == FindingStatus.OPEN,
                        () -> jdbc.sql("""
                        UPDATE findings SET status = 'ACKNOWLEDGED', acknowledged_by = :actor, acknowledged_at = :now,
                            acknowledge_note = :note
                        WHERE id = :id AND status = 'OPEN'""")
                                .param("id", id)
                                .param("actor", Sql.truncate(actor, 200))
                                .param("now", Sql.timestamp(clock.instant()))
                                .param("note", Sql.truncate(note, 500))
                                .update())
                .orElseThrow();
    }

    /**
     * {@code OPEN or ACKNOWLEDGED → RESOLVED}, by a person with a reason. Audited as {@code finding.resolved}.
     *
     * @throws FindingNotFoundException if there is no such finding
     * @throws FindingTransitionException if it is resolved already
     */
    public Finding resolve(UUID id, String actor, String reason) {
        return transition(
                        id,
                        actor,
                        "resolved",
                        reason,
                        finding -> !finding.resolved(),
                        () -> markResolved(id, actor, reason))
                .orElseThrow();
    }

    /**
     * Resolves the finding because its condition is gone, as keybridge saw; nothing if it was resolved meanwhile (by a
     * person, or by another node's sweep). Returns whether this call resolved it.
     */
    public boolean settle(UUID id, String reason) {
        try {
            return transition(
                            id,
                            SYSTEM,
                            "resolved",
                            reason,
                            finding -> !finding.resolved(),
                            () -> markResolved(id, SYSTEM, reason))
                    .isPresent();
        } catch (FindingTransitionException | FindingNotFoundException alreadyGone) {
            return false;
        }
    }

    private int markResolved(UUID id, String actor, String reason) {
        // a kind that recurs gives up its dedupe key, so that the same thing noticed again is a new finding
        return jdbc.sql("""
                        UPDATE findings SET status = 'RESOLVED', resolved_by = :actor, resolved_at = :now,
                            resolution = :reason,
                            dedupe_key = CASE WHEN kind IN (:recurring) THEN CONCAT(dedupe_key, '#', CAST(id AS VARCHAR(36)))
                                ELSE dedupe_key END
                        WHERE id = :id AND status <> 'RESOLVED'""")
                .param("id", id)
                .param("actor", Sql.truncate(actor, 200))
                .param("now", Sql.timestamp(clock.instant()))
                .param("reason", Sql.truncate(reason, 500))
                .param("recurring", RECURRING)
                .update();
    }

    /** One transition, in its own transaction with its audit entry; a concurrent change loses with a 409. */
    private Optional<Finding> transition(
            UUID id,
            String actor,
            String becomes,
            String why,
            java.util.function.Predicate<Finding> allowedFrom,
            java.util.function.IntSupplier update) {
        return ownTransaction.execute(status -> {
            Finding before = find(id).orElseThrow(() -> new FindingNotFoundException(id));
            if (!allowedFrom.test(before) || update.getAsInt() == 0) {
                throw new FindingTransitionException(find(id).orElse(before), becomes);
            }
            Finding after = find(id).orElseThrow();
            audit.record(
                    actor,
                    "finding." + becomes,
                    after.keyId(),
                    Outcome.SUCCESS,
                    after.kind() + " " + after.severity() + " finding " + id + ": " + why);
            log.info("finding {} {} about key {} {} by {}", after.kind(), id, after.keyId(), becomes, actor);
            return Optional.of(after);
        });
    }

    /**
     * Unresolved findings raised after ({@code raisedAt}, {@code id}), oldest first: a sweep reads them page by page.
     */
    public List<Finding> unresolvedAfter(@Nullable Instant raisedAt, @Nullable UUID id, int limit) {
        String after = raisedAt == null ? "" : " AND (raised_at > :raisedAt OR (raised_at = :raisedAt AND id > :id))";
        var statement = jdbc.sql("SELECT * FROM findings WHERE status <> 'RESOLVED'" + after
                        + " ORDER BY raised_at, id LIMIT :limit")
                .param("limit", limit);
        if (raisedAt != null) {
            statement = statement.param("raisedAt", Sql.timestamp(raisedAt)).param("id", id);
        }
        return statement.query(this::finding).list();
    }

    /** How many findings are open (not yet acknowledged) at {@code minimum} severity or higher, within {@code owners}. */
    public long openCount(Severity minimum, @Nullable Set<String> owners) {
        StringBuilder where = new StringBuilder(" WHERE status = 'OPEN' AND severity IN (:severities)");
        Map<String, Object> params = new HashMap<>();
        params.put("severities", atLeast(minimum));
        if (owners != null) {
            AuditLog.ownedBy(owners, where, params);
        }
        return jdbc.sql("SELECT COUNT(*) FROM findings" + where)
                .params(params)
                .query(Long.class)
                .single();
    }

    /** Findings matching the query, newest first (or what needs attention first). */
    public Page<Finding> search(FindingQuery query, PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (query.owners() != null) {
            AuditLog.ownedBy(query.owners(), where, params);
        }
        if (query.owner() != null) {
            where.append(" AND key_id IN (SELECT id FROM api_keys WHERE owner = :owner)");
            params.put("owner", query.owner());
        }
        if (query.keyId() != null) {
            where.append(" AND key_id = :keyId");
            params.put("keyId", query.keyId());
        }
        if (query.kind() != null) {
            where.append(" AND kind = :kind");
            params.put("kind", query.kind().name());
        }
        if (query.minimumSeverity() != null) {
            where.append(" AND severity IN (:severities)");
            params.put("severities", atLeast(query.minimumSeverity()));
        }
        if (query.since() != null) {
            where.append(" AND raised_at >= :since");
            params.put("since", Sql.timestamp(query.since()));
        }
        if (!query.statuses().isEmpty()) {
            where.append(" AND status IN (:statuses)");
            params.put(
                    "statuses",
                    query.statuses().stream().map(Enum::name).sorted().toList());
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM findings" + where)
                .params(params)
                .query(Long.class)
                .single();
        String order = query.attentionFirst()
                ? " ORDER BY CASE status WHEN 'OPEN' THEN 0 WHEN 'ACKNOWLEDGED' THEN 1 ELSE 2 END,"
                        + " CASE severity WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 ELSE 3 END,"
                        + " raised_at DESC, id"
                : " ORDER BY raised_at DESC, id";
        List<Finding> items = jdbc.sql("SELECT * FROM findings" + where + order + " LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", page.size())
                .param("offset", page.offset())
                .query(this::finding)
                .list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private static List<String> atLeast(Severity minimum) {
        return Arrays.stream(Severity.values())
                .filter(severity -> severity.atLeast(minimum))
                .map(Severity::name)
                .toList();
    }

    private void insert(Finding finding, String dedupeKey) {
        jdbc.sql("""
                INSERT INTO findings (id, key_id, kind, severity, raised_at, summary, evidence, dedupe_key, status,
                    last_seen_at)
                VALUES (:id, :keyId, :kind, :severity, :raisedAt, :summary, :evidence, :dedupe, 'OPEN', :raisedAt)""")
                .param("id", finding.id())
                .param("keyId", finding.keyId())
                .param("kind", finding.kind().name())
                .param("severity", finding.severity().name())
                .param("raisedAt", Sql.timestamp(finding.raisedAt()))
                .param("summary", finding.summary())
                .param("evidence", Sql.truncate(json.writeValueAsString(new TreeMap<>(finding.evidence())), 4000))
                .param("dedupe", dedupeKey)
                .update();
    }

    private Finding finding(ResultSet rs, int row) throws SQLException {
        return new Finding(
                rs.getObject("id", UUID.class),
                rs.getObject("key_id", UUID.class),
                FindingKind.valueOf(rs.getString("kind")),
                Severity.valueOf(rs.getString("severity")),
                Sql.instant(rs, "raised_at"),
                rs.getString("summary"),
                json.readValue(rs.getString("evidence"), new TypeReference<Map<String, String>>() {}),
                FindingStatus.valueOf(rs.getString("status")),
                Sql.instant(rs, "last_seen_at"),
                rs.getString("acknowledged_by"),
                Sql.instant(rs, "acknowledged_at"),
                rs.getString("acknowledge_note"),
                rs.getString("resolved_by"),
                Sql.instant(rs, "resolved_at"),
                rs.getString("resolution"));
    }
}
