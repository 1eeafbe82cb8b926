package io.keybridge.monitoring;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.usage.UsageProperties;
import io.keybridge.usage.UsageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * The periodic sweep: raises a finding for every active key whose rotation is overdue, whose own expiry is near, or
 * that nobody used for a while. Each finding is raised once per occurrence (the dedupe key names the planned rotation,
 * the expiry or the last use), so every node may sweep.
 */
@Service
public class KeyWatch {

    private static final Logger log = LoggerFactory.getLogger(KeyWatch.class);

    private final ApiKeys keys;
    private final Findings findings;
    private final MonitoringProperties properties;
    private final Clock clock;
    private final UsageStore scopes;
    private final UsageProperties usage;

    KeyWatch(
            ApiKeys keys,
            Findings findings,
            MonitoringProperties properties,
            Clock clock,
            UsageStore scopes,
            UsageProperties usage) {
        this.scopes = scopes;
        this.usage = usage;
        this.keys = keys;
        this.findings = findings;
        this.properties = properties;
        this.clock = clock;
    }

    /** One sweep; returns how many findings it raised. */
    @Scheduled(
            initialDelayString = "${keybridge.monitoring.sweep-interval:PT5M}",
            fixedDelayString = "${keybridge.monitoring.sweep-interval:PT5M}")
    public int sweep() {
        Instant now = clock.instant();
        int raised = 0;
        for (ApiKey key : keys.rotationOverdue(now.minus(properties.overdueAfter()))) {
            raised += raise(overdue(key, now));
        }
        for (ApiKey key : keys.expiringBefore(now.plus(properties.expiringWithin()))) {
            raised += raise(expiring(key, now));
        }
        for (ApiKey key : keys.unusedSince(now.minus(properties.dormantAfter()))) {
            raised += raise(dormant(key, now));
        }
        raised += overPrivileged(now);
        if (raised > 0) {
            log.info("monitoring sweep raised {} findings", raised);
        }
        return raised;
    }

    /**
     * Keys old enough to judge whose granted scopes include some no request needed in
     * {@code keybridge.usage.unused-scope-after}. Only keys with some scope use recorded are judged: a gateway that
     * never names the scopes an endpoint needs tells nothing about which are unused.
     */
    private int overPrivileged(Instant now) {
        Instant since = now.minus(usage.unusedScopeAfter());
        Map<UUID, Set<String>> used = scopes.scopesUsedSince(since);
        int raised = 0;
        for (ApiKey key : keys.matching(new KeyQuery(KeyStatus.ACTIVE, null, null, null))) {
            Set<String> needed = used.get(key.id());
            if (needed == null || key.createdAt().isAfter(since)) {
                continue;
            }
            Set<String> unused = new TreeSet<>(key.scopes());
            unused.removeAll(needed);
            if (unused.isEmpty()) {
                continue;
            }
            Set<String> narrower = new TreeSet<>(key.scopes());
            narrower.retainAll(needed);
            raised += raise(new NewFinding(
                    key.id(),
                    FindingKind.OVER_PRIVILEGED,
                    Severity.LOW,
                    "'" + key.name() + "' has not needed " + unused + " for "
                            + usage.unusedScopeAfter().toDays() + " days; " + narrower + " would do",
                    Map.of("unusedScopes", unused.toString(), "narrowerScopes", narrower.toString()),
                    key.id() + " " + unused));
        }
        return raised;
    }

    private int raise(NewFinding finding) {
        return findings.raise(finding).isPresent() ? 1 : 0;
    }

    private static NewFinding overdue(ApiKey key, Instant now) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("plannedAt", String.valueOf(key.nextRotationAt()));
        evidence.put("lastError", Objects.requireNonNullElse(key.rotationError(), ""));
        String late = key.nextRotationAt() == null || key.nextRotationAt().isAfter(now)
                ? "its last attempt failed"
                : "planned for " + key.nextRotationAt();
        return new NewFinding(
                key.id(),
                FindingKind.ROTATION_OVERDUE,
                Severity.HIGH,
                "rotation of '" + key.name() + "' is overdue: " + late
                        + (key.rotationError() == null ? "" : " (" + key.rotationError() + ")"),
                evidence,
                // a missed plan once; a rotation that keeps failing (each retry plans anew) once a day
                key.rotationError() == null
                        ? key.id() + " late " + key.nextRotationAt()
                        : key.id() + " failing " + now.truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    }

    private static NewFinding expiring(ApiKey key, Instant now) {
        Instant expiresAt = Objects.requireNonNull(key.expiresAt());
        return new NewFinding(
                key.id(),
                FindingKind.KEY_EXPIRING,
                Duration.between(now, expiresAt).toDays() < 1 ? Severity.HIGH : Severity.MEDIUM,
                "'" + key.name() + "' expires at " + expiresAt + "; no rotation extends a key: issue its successor",
                Map.of("expiresAt", expiresAt.toString()),
                key.id() + " " + expiresAt);
    }

    private static NewFinding dormant(ApiKey key, Instant now) {
        Instant since = key.lastUsedAt() == null ? key.createdAt() : key.lastUsedAt();
        long days = Duration.between(since, now).toDays();
        return new NewFinding(
                key.id(),
                FindingKind.DORMANT,
                Severity.LOW,
                "'" + key.name() + "' " + (key.lastUsedAt() == null ? "was never used" : "was last used") + " " + days
                        + " days ago (owner " + key.owner() + "): revoke it if nobody needs it",
                Map.of(
                        "lastUsedAt", String.valueOf(key.lastUsedAt()),
                        "createdAt", key.createdAt().toString(),
                        "idleDays", Long.toString(days)),
                key.id() + " " + since);
    }
}
