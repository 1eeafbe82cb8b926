package io.keybridge.monitoring;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.lifecycle.KeyRevoker;
import io.keybridge.lifecycle.KeySuspension;
import io.keybridge.usage.UsageProperties;
import io.keybridge.usage.UsageStore;
import io.keybridge.verification.LastUseRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * The periodic sweep: raises a finding for every active key whose rotation is overdue or would fail (its destinations
 * are checked days ahead), whose own expiry is near, that
 * nobody used for a while (and, further on, suspends and revokes it), or that holds scopes no request needs. Each finding is raised once per occurrence (the dedupe key names the planned rotation,
 * the expiry or the last use), so every node may sweep.
 */
@Service
public class KeyWatch {

    private static final Logger log = LoggerFactory.getLogger(KeyWatch.class);

    private final ApiKeys keys;
    private final Findings findings;
    private final MonitoringProperties properties;
    private static final String ACTOR = "keybridge";

    private final Clock clock;
    private final KeySuspension suspension;
    private final KeyRevoker revoker;
    private final LastUseRecorder lastUse;
    private final Preflight preflight;
    private final UsageStore scopes;
    private final UsageProperties usage;

    KeyWatch(
            ApiKeys keys,
            Findings findings,
            MonitoringProperties properties,
            Clock clock,
            UsageStore scopes,
            UsageProperties usage,
            KeySuspension suspension,
            KeyRevoker revoker,
            LastUseRecorder lastUse,
            Preflight preflight) {
        this.preflight = preflight;
        this.lastUse = lastUse;
        this.suspension = suspension;
        this.revoker = revoker;
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
        lastUse.flush(); // this node's latest uses first: the dormant ladder must not act on a key used seconds ago
        Instant now = clock.instant();
        int raised = 0;
        for (ApiKey key : keys.rotationOverdue(now.minus(properties.overdueAfter()))) {
            raised += raise(overdue(key, now));
        }
        for (ApiKey key : keys.expiringBefore(now.plus(properties.expiringWithin()))) {
            raised += raise(expiring(key, now));
        }
        for (ApiKey key : keys.rotatingBefore(now.plus(properties.preflightAhead()))) {
            raised += preflight.check(key);
        }
        raised += dormancy(now);
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

    /**
     * The dormant ladder: a notice, then suspension, then revocation, each step only after the one before it was
     * announced at least {@code notice-period} ago, so that a key found long unused (after an upgrade, say) is never
     * suspended or revoked unannounced. Use in between resets the ladder.
     */
    private int dormancy(Instant now) {
        int raised = 0;
        if (!properties.revokeAfter().isZero()) {
            for (KeyStatus status : List.of(KeyStatus.ACTIVE, KeyStatus.SUSPENDED)) {
                for (ApiKey key : keys.unusedSince(now.minus(properties.revokeAfter()), status)) {
                    if (announced(key, properties.suspendAfter().isZero() ? Step.NOTICE : Step.SUSPENDED, now)) {
                        revoker.revoke(key.id(), "unused for " + idleDays(key, now) + " days", ACTOR);
                        raised += raise(dormant(key, Step.REVOKED, now));
                    }
                }
            }
        }
        if (!properties.suspendAfter().isZero()) {
            for (ApiKey key : keys.unusedSince(now.minus(properties.suspendAfter()), KeyStatus.ACTIVE)) {
                if (announced(key, Step.NOTICE, now)) {
                    suspension.suspend(key.id(), "unused for " + idleDays(key, now) + " days", ACTOR);
                    raised += raise(dormant(key, Step.SUSPENDED, now));
                }
            }
        }
        for (ApiKey key : keys.unusedSince(now.minus(properties.dormantAfter()), KeyStatus.ACTIVE)) {
            raised += raise(dormant(key, Step.NOTICE, now));
        }
        return raised;
    }

    private boolean announced(ApiKey key, Step step, Instant now) {
        return findings.raisedAt(FindingKind.DORMANT, dormantKey(key, step))
                .filter(at -> !at.plus(properties.noticePeriod()).isAfter(now))
                .isPresent();
    }

    private NewFinding dormant(ApiKey key, Step step, Instant now) {
        long days = idleDays(key, now);
        String idle = "'" + key.name() + "' (owner " + key.owner() + ") "
                + (key.lastUsedAt() == null ? "was never used" : "was last used") + " " + days + " days ago";
        String next = nextStep(since(key), step);
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("step", step.name().toLowerCase(Locale.ROOT));
        evidence.put("lastUsedAt", String.valueOf(key.lastUsedAt()));
        evidence.put("idleDays", Long.toString(days));
        return new NewFinding(
                key.id(),
                FindingKind.DORMANT,
                step == Step.NOTICE ? Severity.LOW : Severity.MEDIUM,
                switch (step) {
                    case NOTICE -> idle + ": revoke it if nobody needs it" + next;
                    case SUSPENDED -> idle + ": suspended (an ADMIN can resume it)" + next;
                    case REVOKED -> idle + ": revoked";
                },
                evidence,
                dormantKey(key, step));
    }

    /** What happens next and from when, for the announcement (each step also waits for its notice period). */
    private String nextStep(Instant since, Step step) {
        boolean suspends = !properties.suspendAfter().isZero();
        boolean revokes = !properties.revokeAfter().isZero();
        if (step == Step.NOTICE && suspends) {
            return "; unless it is used it will be suspended from " + since.plus(properties.suspendAfter())
                    + (revokes ? " and revoked from " + since.plus(properties.revokeAfter()) : "");
        }
        if (step != Step.REVOKED && revokes) {
            return "; unless it is used it will be revoked from " + since.plus(properties.revokeAfter());
        }
        return "";
    }

    /** Per step and per idle stretch: use resets the ladder, because the stretch then starts anew. */
    private static String dormantKey(ApiKey key, Step step) {
        return key.id() + " " + step.name().toLowerCase(Locale.ROOT) + " " + since(key);
    }

    private static Instant since(ApiKey key) {
        return key.lastUsedAt() == null ? key.createdAt() : key.lastUsedAt();
    }

    private static long idleDays(ApiKey key, Instant now) {
        return Duration.between(since(key), now).toDays();
    }

    /** The dormant ladder's steps. */
    private enum Step {
        NOTICE,
        SUSPENDED,
        REVOKED
    }
}
