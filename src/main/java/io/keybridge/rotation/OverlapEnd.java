package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.StepReached;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.lifecycle.ConsumerOverlaps;
import io.keybridge.verification.LastUseRecorder;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The end of a rotation's overlap: when it is over (or, drain-gated, when the old versions have gone quiet), the
 * versions it replaced are revoked, then handled at the destinations per policy. Run by the overlap-end and
 * drain-check jobs, and by the sweeps for a rotation whose job a stopped process did not finish.
 */
@Component
class OverlapEnd {

    private static final Logger log = LoggerFactory.getLogger(OverlapEnd.class);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Rotations rotations;
    private final RotationPolicies policies;
    private final RotationProperties properties;
    private final RotationScheduler scheduler;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final LastUseRecorder lastUses;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    OverlapEnd(
            ApiKeys keys,
            KeyVersions versions,
            Rotations rotations,
            RotationPolicies policies,
            RotationProperties properties,
            RotationScheduler scheduler,
            DeliveredVersions delivered,
            VerificationIndex index,
            LastUseRecorder lastUses,
            AuditLog audit,
            TransactionTemplate transactions,
            ApplicationEventPublisher events,
            Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.rotations = rotations;
        this.policies = policies;
        this.properties = properties;
        this.scheduler = scheduler;
        this.delivered = delivered;
        this.index = index;
        this.lastUses = lastUses;
        this.audit = audit;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Ends a rotation's overlap: revokes the versions it replaced (one transaction, {@code REVOKING}), then handles them
     * at the destinations per policy ({@code COMPLETED}). Safe to call again at either step, which is how a rotation
     * interrupted between the two is finished.
     */
    void endOverlap(UUID rotationId) {
        Rotation rotation = rotations.find(rotationId).orElse(null);
        if (rotation == null || rotation.toVersion() == null) {
            return;
        }
        if (rotation.state() == RotationState.OVERLAP) {
            revokeReplaced(rotation);
        } else if (rotation.state() != RotationState.REVOKING) {
            return;
        }
        ApiKey key = keys.find(rotation.keyId()).orElseThrow();
        List<KeyVersion> replaced = versions.ofKey(key.id()).stream()
                .filter(version -> version.version() < rotation.toVersion() && version.state() == VersionState.REVOKED)
                .toList();
        SecretDestination.Removal removal =
                switch (policies.get(key.rotationPolicy()).revokeAtDestination()) {
                    case KEEP -> null;
                    case SOFT_DELETE -> SecretDestination.Removal.SOFT_DELETE_VERSION;
                    case DESTROY -> SecretDestination.Removal.DESTROY_VERSION;
                };
        if (removal != null && !replaced.isEmpty()) {
            // versions removed before are skipped, so repeating this after a crash is harmless
            Map<String, String> failures = delivered.remove(
                    key.id(), replaced.stream().map(KeyVersion::id).toList(), removal);
            if (!failures.isEmpty()) {
                // revoked already, so nothing verifies with them; but the policy wants them gone from the secret's
                // history, so the rotation stays REVOKING and this step runs again
                Instant retryAt = clock.instant().plus(properties.removalRetry());
                scheduler.scheduleOverlapEnd(rotationId, retryAt);
                log.warn(
                        "rotation {} of key {}: old versions revoked, but not removed from {}; trying again at {}",
                        rotationId,
                        key.id(),
                        failures.keySet(),
                        retryAt);
                return;
            }
        }
        if (rotations.completed(rotationId, clock.instant())) {
            events.publishEvent(new StepReached(
                    key.id(), rotation.toVersionId(), rotation.toVersion(), StepReached.Step.COMPLETED));
            log.info("rotation {} of key {} completed", rotationId, key.id());
        }
    }

    private void revokeReplaced(Rotation rotation) {
        Instant now = clock.instant();
        List<KeyVersion> retired = transactions.execute(status -> {
            if (!rotations.revoking(rotation.id(), now)) {
                return List.of(); // another thread or node got here first
            }
            List<KeyVersion> older = versions.liveOlderThan(rotation.keyId(), rotation.toVersion());
            older.forEach(version -> versions.changeState(version.id(), VersionState.REVOKED, now));
            audit.record(
                    "scheduler",
                    "key.rotate.completed",
                    rotation.keyId(),
                    Outcome.SUCCESS,
                    "revoked versions "
                            + older.stream().map(KeyVersion::version).toList() + " after the overlap");
            return older;
        });
        retired.forEach(version -> index.revoke(version.hash()));
        events.publishEvent(new StepReached(
                rotation.keyId(), rotation.toVersionId(), rotation.toVersion(), StepReached.Step.OLD_VERSIONS_REVOKED));
        if (!retired.isEmpty()) {
            log.info(
                    "rotation {} of key {}: versions {} revoked after the overlap",
                    rotation.id(),
                    rotation.keyId(),
                    retired.stream().map(KeyVersion::version).toList());
        }
    }

    /**
     * Drain-gated revocation: ends the overlap early once the new version has been used and every older one has been
     * quiet for the policy's {@code drainQuiet}; otherwise checks again later. The overlap end stays the hard cap.
     */
    void checkDrained(UUID rotationId) {
        Rotation rotation = rotations.find(rotationId).orElse(null);
        if (rotation == null || rotation.state() != RotationState.OVERLAP || rotation.toVersionId() == null) {
            return;
        }
        ApiKey key = keys.find(rotation.keyId()).orElseThrow();
        Duration quiet = policies.get(key.rotationPolicy()).drainQuiet();
        if (quiet == null) {
            return;
        }
        Instant now = clock.instant();
        // whatever the usage says, every consumer gets one refresh after the new version landed: a consumer that was
        // quiet for drainQuiet (a nightly job) has not moved, it has just not called yet
        Duration refresh = ConsumerOverlaps.longestRefresh(keys.destinationsOf(key.id()));
        Instant refreshed =
                rotation.confirmedAt() == null ? null : rotation.confirmedAt().plus(refresh);
        boolean consumersRefreshed = refreshed != null && !refreshed.isAfter(now);
        boolean newInUse = lastUse(rotation.toVersionId()) != null;
        boolean oldQuiet = versions.liveOlderThan(key.id(), rotation.toVersion()).stream()
                .map(v -> lastUse(v.id()))
                .allMatch(used -> used == null || !used.plus(quiet).isAfter(now));
        if (newInUse && oldQuiet && consumersRefreshed) {
            log.info(
                    "rotation {} of key {}: new version in use, old quiet for {}; revoking the old one early",
                    rotationId,
                    key.id(),
                    quiet);
            endOverlap(rotationId);
            return;
        }
        Instant next = now.plus(
                quiet.dividedBy(2).compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quiet.dividedBy(2));
        if (newInUse && oldQuiet && refreshed != null) {
            next = refreshed; // drained already: check again when the consumers have had their refresh
        }
        if (rotation.retireAt() != null && next.isBefore(rotation.retireAt())) {
            scheduler.scheduleDrainCheck(rotationId, next);
        }
    }

    private @Nullable Instant lastUse(UUID versionId) {
        Instant unflushed = lastUses.unflushedVersion(versionId);
        Instant stored = versions.lastUsed(versionId);
        if (unflushed == null) {
            return stored;
        }
        return stored == null || unflushed.isAfter(stored) ? unflushed : stored;
    }
}
