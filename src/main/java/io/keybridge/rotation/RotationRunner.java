package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.StepReached;
import io.keybridge.delivery.VersionDelivery;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.retry.RetryBackOff;
import io.keybridge.verification.VerificationIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
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
 * Carries one rotation from its new version to {@code OVERLAP}, whichever use case started it (schedule, operator,
 * emergency) and whichever process finishes it (the one that started it, or a sweep after a crash).
 *
 * <p>A rotation records itself and the new version before any external call (one delivering rotation per key, held
 * by a unique constraint in the database). The new version verifies from just before its first write, since a
 * consumer may read it the instant it lands. Once it is confirmed at every destination it becomes {@code ACTIVE} and
 * the older versions {@code RETIRING}: both verify until the overlap ends ({@link OverlapEnd}). If delivery fails, the
 * old version is untouched and a retry is scheduled with exponential back-off and jitter; a new version that reached
 * no destination is revoked, one that reached some stays valid (a consumer may hold it) until a later rotation
 * retires it.
 */
@Component
class RotationRunner {

    private static final Logger log = LoggerFactory.getLogger(RotationRunner.class);
    /** 30 s, doubling to an hour, ±20% so that the retries of many keys do not stampede. */
    private static final RetryBackOff RETRIES = new RetryBackOff(Duration.ofSeconds(30), Duration.ofHours(1), 0.2);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Rotations rotations;
    private final RotationPolicies policies;
    private final RotationScheduler scheduler;
    private final VersionDelivery delivery;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final KeyFormat format;
    private final SecureRandom random;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;

    RotationRunner(
            ApiKeys keys,
            KeyVersions versions,
            Rotations rotations,
            RotationPolicies policies,
            RotationScheduler scheduler,
            VersionDelivery delivery,
            DeliveredVersions delivered,
            VerificationIndex index,
            KeyFormat format,
            SecureRandom random,
            AuditLog audit,
            TransactionTemplate transactions,
            Clock clock,
            ApplicationEventPublisher events,
            MeterRegistry meters) {
        this.keys = keys;
        this.versions = versions;
        this.rotations = rotations;
        this.policies = policies;
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.delivered = delivered;
        this.index = index;
        this.format = format;
        this.random = random;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
        this.events = events;
        this.meters = meters;
    }

    /**
     * Rotates the key to a new version and delivers it everywhere.
     *
     * @param overlapOverride how long the replaced versions stay valid after the confirmation; the policy's if null
     * @param oldRevokedAt when containment revoked the replaced versions, or null if they are still live
     * @throws KeyNotRotatableException if the key is not active (or is revoked during the rotation)
     * @throws RotationInProgressException if the key is being rotated
     * @throws RotationFailedException if delivery failed (the old version still verifies; a retry is scheduled)
     */
    Rotation run(
            UUID keyId,
            Trigger trigger,
            String actor,
            @Nullable String reason,
            @Nullable Duration overlapOverride,
            @Nullable Instant oldRevokedAt) {
        return run(keyId, trigger, actor, reason, overlapOverride, oldRevokedAt, null);
    }

    /**
     * As above, but only if {@code onlyReplacing} is still the key's current version when the rotation is recorded
     * (checked under the key's row lock, which a confirmation takes too).
     *
     * @throws Superseded if another rotation replaced it since the caller looked; nothing was recorded
     */
    Rotation run(
            UUID keyId,
            Trigger trigger,
            String actor,
            @Nullable String reason,
            @Nullable Duration overlapOverride,
            @Nullable Instant oldRevokedAt,
            @Nullable Integer onlyReplacing) {
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        if (key.status() != KeyStatus.ACTIVE) {
            throw new KeyNotRotatableException(keyId, key.status().name());
        }
        RotationPolicy policy = policies.get(key.rotationPolicy());
        Duration overlap = overlapOverride != null ? overlapOverride : policy.overlap();
        List<KeyDestination> targets = keys.destinationsOf(keyId);
        Instant now = clock.instant();
        int fromVersion = versions.ofKey(keyId).stream()
                .mapToInt(KeyVersion::version)
                .max()
                .orElse(0);
        Instant versionExpiry = key.versionExpiry(policy.keyLifetime(), now);

        try (KeyMaterial material = format.generate(key.environment(), random)) {
            KeyVersion next = KeyVersion.pending(keyId, fromVersion + 1, material, now, versionExpiry);
            Rotation rotation = Rotation.delivering(
                    keyId, trigger, actor, reason, fromVersion, next.id(), next.version(), overlap, now, oldRevokedAt);
            SecretPayload payload = SecretPayload.of(key, next);
            Map<UUID, Intent> plans = delivery.plan(targets, payload);
            transactions.executeWithoutResult(status -> {
                if (!keys.lockIfActive(keyId)) {
                    // revoked (or suspended) since it was read: a revocation always wins
                    throw new KeyNotRotatableException(
                            keyId, keys.find(keyId).map(k -> k.status().name()).orElse("gone"));
                }
                if (onlyReplacing != null) {
                    KeyVersion current = versions.currentOf(keyId);
                    if (current == null || current.version() != onlyReplacing) {
                        throw new Superseded();
                    }
                }
                rotations.start(rotation);
                versions.add(next, targets, now);
                delivery.recordPlans(next, targets, plans);
                audit.record(
                        actor,
                        "key.rotate.started",
                        keyId,
                        Outcome.SUCCESS,
                        trigger + " rotation to version " + next.version()
                                + (reason == null ? "" : "; reason: " + reason));
            });
            index.accept(key, next); // accept before publish
            events.publishEvent(new StepReached(keyId, next.id(), next.version(), StepReached.Step.VERSION_RECORDED));
            VersionDelivery.Confirmation confirmation;
            try {
                confirmation = delivery.deliver(next, targets, payload, material, plans);
            } catch (DestinationException e) {
                throw fail(key, rotation, next, e);
            }
            activate(key, policy, rotation, next, confirmation);
            return rotations.find(rotation.id()).orElseThrow();
        }
    }

    /**
     * The new version is confirmed everywhere: it becomes {@code ACTIVE}, the older ones {@code RETIRING}, in one
     * transaction with the last confirmation and the triggers of the overlap's end and the next rotation.
     */
    private void activate(
            ApiKey key,
            RotationPolicy policy,
            Rotation rotation,
            KeyVersion next,
            VersionDelivery.Confirmation confirmation) {
        UUID keyId = key.id();
        String actor = rotation.actor();
        Duration overlap = rotation.overlap();
        Trigger trigger = rotation.trigger();
        Instant versionExpiry = next.expiresAt();
        Instant confirmedAt = clock.instant();
        // after containment the older versions are revoked already: there is no overlap, and nothing to end later
        boolean contained = rotation.afterContainment();
        Instant retireAt = contained ? rotation.oldRevokedAt() : confirmedAt.plus(overlap);
        Instant nextRotation =
                policy.nextRotation(confirmedAt, key.expiresByLifetime(versionExpiry) ? versionExpiry : null);
        boolean stillActive = Boolean.TRUE.equals(transactions.execute(status -> {
            delivery.record(confirmation); // the write landed, whatever else this transaction finds
            if (!keys.lockUnlessRevoked(keyId)) {
                return false; // revoked while the new version was delivered: see abandonRevoked
            }
            for (KeyVersion older : versions.liveOlderThan(keyId, next.version())) {
                if (older.state() != VersionState.RETIRING) {
                    versions.changeState(older.id(), VersionState.RETIRING, confirmedAt);
                }
            }
            versions.changeState(next.id(), VersionState.ACTIVE, confirmedAt);
            rotations.confirmed(rotation.id(), confirmedAt, retireAt);
            keys.rotationPlanned(keyId, nextRotation, null);
            audit.record(
                    actor,
                    "key.rotate.confirmed",
                    keyId,
                    Outcome.SUCCESS,
                    "version " + next.version() + " confirmed everywhere; "
                            + (contained
                                    ? "older versions were revoked at containment, " + retireAt
                                    : "older versions valid until " + retireAt));
            if (contained) {
                rotations.revoking(rotation.id(), confirmedAt);
                rotations.completed(rotation.id(), confirmedAt);
            } else {
                // Quartz's job store joins this transaction: the triggers are committed with the state they follow from
                scheduler.scheduleOverlapEnd(rotation.id(), retireAt);
            }
            if (!contained
                    && policy.revokeOldWhen() == RotationPolicy.RevokeOldWhen.DRAINED
                    && policy.drainQuiet() != null) {
                Instant firstCheck = confirmedAt.plus(policy.drainQuiet());
                if (firstCheck.isBefore(retireAt)) {
                    scheduler.scheduleDrainCheck(rotation.id(), firstCheck);
                }
            }
            scheduler.scheduleRotation(keyId, nextRotation);
            return true;
        }));
        delivery.recorded(confirmation);
        if (!stillActive) {
            abandonRevoked(keyId, rotation, next);
        }
        events.publishEvent(new StepReached(keyId, next.id(), next.version(), StepReached.Step.ACTIVATED));
        count(trigger, "confirmed");
        Timer.builder("keybridge.rotation.duration")
                .description("From a rotation's start to its new version being confirmed everywhere")
                .tag("trigger", trigger.name())
                .register(meters)
                .record(Duration.between(rotation.startedAt(), confirmedAt));
        log.info(
                "{} rotation of key {} to version {} ({}) confirmed; overlap until {}",
                trigger,
                keyId,
                next.version(),
                next.displayPrefix(),
                retireAt);
    }

    /**
     * The key was revoked while this rotation delivered its new version. The revocation wins: the new
     * version is revoked, the rotation ends {@code FAILED}, and what it wrote is removed from the destinations — whatever
     * the revocation's own clean-up recorded, since it may have run before the write landed. Should a removal fail, the
     * revocation's clean-up sweep retries it.
     *
     * @throws KeyNotRotatableException always: the rotation did not happen
     */
    private void abandonRevoked(UUID keyId, Rotation rotation, KeyVersion next) {
        Instant now = clock.instant();
        index.revoke(next.hash());
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        transactions.executeWithoutResult(status -> {
            versions.changeState(next.id(), VersionState.REVOKED, now);
            rotations.failed(rotation.id(), now, "the key was revoked during the rotation");
            audit.record(
                    rotation.actor(),
                    "key.rotate",
                    keyId,
                    Outcome.FAILURE,
                    "version " + next.version() + " abandoned: the key was " + key.status() + " during the rotation");
        });
        Map<String, String> failures = delivered.removeWrittenDuringRevocation(keyId, next.id());
        if (!failures.isEmpty()) {
            log.warn(
                    "key {} was revoked during rotation {}; version {} could not yet be removed from {}",
                    keyId,
                    rotation.id(),
                    next.version(),
                    failures.keySet());
        }
        log.info("rotation {} of key {} abandoned: the key is {}", rotation.id(), keyId, key.status());
        throw new KeyNotRotatableException(keyId, key.status().name());
    }

    /** Records a failed delivery, keeps the key valid, and schedules a retry with back-off and jitter. */
    private RuntimeException fail(ApiKey key, Rotation rotation, KeyVersion next, DestinationException cause) {
        Instant now = clock.instant();
        boolean published = mayHaveReachedADestination(next);
        long failuresInARow = rotations.ofKey(key.id()).stream()
                .takeWhile(r -> r.state() == RotationState.FAILED || r.id().equals(rotation.id()))
                .count();
        Instant retryAt = now.plus(backoff(failuresInARow));
        String error = "delivery to " + cause.ref() + " failed: " + cause.getMessage();
        if (!published) {
            index.revoke(next.hash()); // its material never left keybridge
        }
        transactions.executeWithoutResult(status -> {
            if (!published) {
                versions.changeState(next.id(), VersionState.REVOKED, now);
            }
            rotations.failed(rotation.id(), now, error);
            audit.record(rotation.actor(), "key.rotate", key.id(), Outcome.FAILURE, error + "; retry at " + retryAt);
            if (keys.lockUnlessRevoked(key.id())) { // a key revoked meanwhile is not retried
                keys.rotationPlanned(key.id(), retryAt, error);
                scheduler.scheduleRotation(key.id(), retryAt);
            }
        });
        count(rotation.trigger(), "failed");
        if (keys.find(key.id()).map(ApiKey::status).orElse(null) == KeyStatus.REVOKED) {
            // revoked while this rotation wrote: what reached a destination is removed (the revocation wins), and the
            // caller hears that the key is revoked, not that a destination failed
            index.revoke(next.hash());
            delivered.removeWrittenDuringRevocation(key.id(), next.id());
            return new KeyNotRotatableException(key.id(), KeyStatus.REVOKED.name());
        }
        KeyVersion current = versions.currentOf(key.id());
        if (current != null
                && current.expiresAt() != null
                && current.expiresAt().isBefore(retryAt)) {
            Counter.builder("keybridge.rotation.expiry-at-risk")
                    .description("Failed rotations after which the current version expires before the next attempt")
                    .register(meters)
                    .increment();
            audit.record(
                    "scheduler",
                    "key.rotate.expiry-at-risk",
                    key.id(),
                    Outcome.FAILURE,
                    "version " + current.version() + " expires at " + current.expiresAt()
                            + ", before its replacement can be delivered (next attempt " + retryAt + ")");
            log.error(
                    "key {} version {} expires at {} before its replacement can be delivered (next attempt {}): {}",
                    key.id(),
                    current.version(),
                    current.expiresAt(),
                    retryAt,
                    error);
        } else {
            log.warn("rotation of key {} failed; old version still valid; retry at {}: {}", key.id(), retryAt, error);
        }
        return new RotationFailedException(rotation.id(), cause.ref(), cause.getMessage());
    }

    /** Whether any destination may hold the version: written, confirmed, or planned with an unknown outcome. */
    boolean mayHaveReachedADestination(KeyVersion version) {
        return versions.deliveriesOf(List.of(version.id())).stream()
                .anyMatch(d -> d.state() == DeliveryState.WRITTEN
                        || d.state() == DeliveryState.CONFIRMED
                        || (d.state() == DeliveryState.PENDING && d.remoteVersion() != null));
    }

    /**
     * Settles a rotation that a stopped process left delivering. Its key material went with that process, so the
     * rotation can only be finished if every destination already holds the new version: then it is confirmed from the
     * destinations' metadata and activated — the same version, no second new key. Otherwise it failed: a version that
     * reached no destination is revoked (its material never left keybridge), one that may have stays valid until a
     * later rotation retires it, and a new rotation is scheduled at once.
     */
    void recoverInterrupted(Rotation rotation) {
        ApiKey key = keys.find(rotation.keyId()).orElseThrow();
        KeyVersion next = rotation.toVersionId() == null
                ? null
                : versions.ofKey(rotation.keyId()).stream()
                        .filter(v -> v.id().equals(rotation.toVersionId()))
                        .findFirst()
                        .orElse(null);
        if (next != null && next.state() == VersionState.PENDING && key.status() == KeyStatus.ACTIVE) {
            try {
                delivery.resume(next, keys.destinationsOf(key.id()), SecretPayload.of(key, next));
                activate(key, policies.get(key.rotationPolicy()), rotation, next, VersionDelivery.Confirmation.NONE);
                log.warn(
                        "rotation {} of key {} was interrupted after delivery; confirmed and finished version {}",
                        rotation.id(),
                        key.id(),
                        next.version());
                return;
            } catch (DestinationException e) {
                log.warn(
                        "rotation {} of key {} was interrupted before version {} reached {}: {}",
                        rotation.id(),
                        key.id(),
                        next.version(),
                        e.ref(),
                        e.getMessage());
            }
        }
        Instant now = clock.instant();
        boolean published = next != null && mayHaveReachedADestination(next);
        transactions.executeWithoutResult(status -> {
            if (next != null && !published && next.state() == VersionState.PENDING) {
                versions.changeState(next.id(), VersionState.REVOKED, now);
            }
            rotations.failed(rotation.id(), now, "interrupted by a restart");
            keys.rotationPlanned(rotation.keyId(), now, "rotation interrupted by a restart");
            audit.record(
                    "system",
                    "key.rotate",
                    rotation.keyId(),
                    Outcome.FAILURE,
                    "rotation to version " + rotation.toVersion() + " interrupted by a restart"
                            + (published ? "; the version may be at a destination and stays valid" : ""));
            if (key.status() == KeyStatus.ACTIVE) {
                scheduler.scheduleRotation(rotation.keyId(), now);
            }
        });
        if (next != null && !published) {
            index.revoke(next.hash());
        }
    }

    private void count(Trigger trigger, String outcome) {
        Counter.builder("keybridge.rotations")
                .description("Rotations that confirmed their new version everywhere, or failed to")
                .tag("trigger", trigger.name())
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    private static Duration backoff(long failuresInARow) {
        return RETRIES.after(failuresInARow);
    }

    /** The version a rotation was to replace is not the current one any more: another rotation replaced it. */
    static final class Superseded extends RuntimeException {
        Superseded() {
            super("the version to replace is no longer the key's current one", null, false, false);
        }
    }
}
