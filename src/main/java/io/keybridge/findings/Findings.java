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

    /** Raises a finding unless the same one (kind and dedupe key) was raised before; returns it only if new. */
    public Optional<Finding> raise(NewFinding found) {
        Finding finding = new Finding(
                UUID.randomUUID(),
                found.keyId(),
                found.kind(),
                found.severity(),
                clock.instant(),
                Sql.truncate(found.summary(), 500),
                found.evidence());
        try {
            boolean added = Boolean.TRUE.equals(ownTransaction.execute(status -> {
                boolean exists = jdbc.sql("SELECT COUNT(*) FROM findings WHERE kind = :kind AND dedupe_key = :dedupe")
                                .param("kind", found.kind().name())
                                .param("dedupe", Sql.truncate(found.dedupeKey(), 200))
                                .query(Long.class)
                                .single()
                        > 0;
                if (exists) {
                    return false;
                }
                insert(finding, found.dedupeKey());
                audit.record(
                        "keybridge",
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

    /** When the finding of this kind and dedupe key was raised, if it was. */
    public Optional<Instant> raisedAt(FindingKind kind, String dedupeKey) {
        return jdbc.sql("SELECT raised_at FROM findings WHERE kind = :kind AND dedupe_key = :dedupe")
                .param("kind", kind.name())
                .param("dedupe", Sql.truncate(dedupeKey, 200))
                .query((rs, row) -> Sql.instant(rs, "raised_at"))
                .optional();
    }

    /** Findings, newest first. */
    public Page<Finding> search(
            @Nullable UUID keyId,
            @Nullable FindingKind kind,
            @Nullable Severity minimumSeverity,
            @Nullable Instant since,
            PageRequest page) {
        return search(keyId, kind, minimumSeverity, since, null, page);
    }

    /** {@link #search(UUID, FindingKind, Severity, Instant, PageRequest)}, only about keys of {@code owners} if given. */
    public Page<Finding> search(
            @Nullable UUID keyId,
            @Nullable FindingKind kind,
            @Nullable Severity minimumSeverity,
            @Nullable Instant since,
            @Nullable Set<String> owners,
            PageRequest page) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (owners != null) {
            AuditLog.ownedBy(owners, where, params);
        }
        if (keyId != null) {
            where.append(" AND key_id = :keyId");
            params.put("keyId", keyId);
        }
        if (kind != null) {
            where.append(" AND kind = :kind");
            params.put("kind", kind.name());
        }
        if (minimumSeverity != null) {
            where.append(" AND severity IN (:severities)");
            params.put(
                    "severities",
                    java.util.Arrays.stream(Severity.values())
                            .filter(severity -> severity.atLeast(minimumSeverity))
                            .map(Severity::name)
                            .toList());
        }
        if (since != null) {
            where.append(" AND raised_at >= :since");
            params.put("since", Sql.timestamp(since));
        }
        long total = jdbc.sql("SELECT COUNT(*) FROM findings" + where)
                .params(params)
                .query(Long.class)
                .single();
        List<Finding> items = jdbc.sql(
                        "SELECT * FROM findings" + where + " ORDER BY raised_at DESC, id LIMIT :limit OFFSET :offset")
                .params(params)
                .param("limit", page.size())
                .param("offset", page.offset())
                .query(this::finding)
                .list();
        return new Page<>(items, page.page(), page.size(), total);
    }

    private void insert(Finding finding, String dedupeKey) {
        jdbc.sql("""
                INSERT INTO findings (id, key_id, kind, severity, raised_at, summary, evidence, dedupe_key)
                VALUES (:id, :keyId, :kind, :severity, :raisedAt, :summary, :evidence, :dedupe)""")
                .param("id", finding.id())
                .param("keyId", finding.keyId())
                .param("kind", finding.kind().name())
                .param("severity", finding.severity().name())
                .param("raisedAt", Sql.timestamp(finding.raisedAt()))
                .param("summary", finding.summary())
                .param("evidence", Sql.truncate(json.writeValueAsString(new TreeMap<>(finding.evidence())), 4000))
                .param("dedupe", Sql.truncate(dedupeKey, 200))
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
                json.readValue(rs.getString("evidence"), new TypeReference<Map<String, String>>() {}));
    }
}
