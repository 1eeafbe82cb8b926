package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.destination.DeliveredVersions;
import io.keybridge.destination.DestinationException;
import io.keybridge.destination.SecretDestination;
import io.keybridge.destination.SecretPayload;
import io.keybridge.destination.StepReached;
import io.keybridge.destination.VersionDelivery;
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
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.retry.RetryBackOff;
import io.keybridge.verification.LastUseRecorder;
import io.keybridge.verification.VerificationIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replaces a key's secret with a new version without leaving its consumer without a valid one.
 *
 * <p>A rotation records itself and the new version before any external call (one delivering rotation per key, held
 * by a unique constraint in the database). The new version verifies from just before its first write, since a
 * consumer may read it the instant it lands. Once it is confirmed at every destination it becomes {@code ACTIVE} and
 * the older versions {@code RETIRING}: both verify until the overlap ends, then the older ones are revoked and handled
 * at the destinations per policy. If delivery fails, the old version is untouched and a retry is scheduled with
 * exponential back-off and jitter; a new version that reached no destination is revoked, one that reached some stays
 * valid (a consumer may hold it) until a later rotation retires it.
 *
 * <p>An emergency rotation revokes first — containment is a database operation — and delivers after.
 */
@Service
public class RotationCoordinator {

    private static final Logger log = LoggerFactory.getLogger(RotationCoordinator.class);
    /** 30 s, doubling to an hour, ±20% so that the retries of many keys do not stampede. */
    private static final RetryBackOff RETRIES = new RetryBackOff(Duration.ofSeconds(30), Duration.ofHours(1), 0.2);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Rotations rotations;
    private final RotationPolicies policies;
    private final RotationProperties properties;
    private final RotationScheduler scheduler;
    private final VersionDelivery delivery;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final KeyFormat format;
    private final SecureRandom random;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final LastUseRecorder lastUses;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;

    RotationCoordinator(
            ApiKeys keys,
            KeyVersions versions,
            Rotations rotations,
            RotationPolicies policies,
            RotationProperties properties,
            RotationScheduler scheduler,
            VersionDelivery delivery,
            DeliveredVersions delivered,
            VerificationIndex index,
            KeyFormat format,
            SecureRandom random,
            AuditLog audit,
            TransactionTemplate transactions,
            Clock clock,
            LastUseRecorder lastUses,
            ApplicationEventPublisher events,
            MeterRegistry meters) {
        this.meters = meters;
        this.lastUses = lastUses;
        this.events = events;
        this.keys = keys;
        this.versions = versions;
        this.rotations = rotations;
        this.policies = policies;
        this.properties = properties;
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.delivered = delivered;
        this.index = index;
        this.format = format;
        this.random = random;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Rotates the key now, at an operator's request.
     *
     * @param overlap how long the old version stays valid after the new one is confirmed; the policy's if null
     * @throws InvalidKeyRequestException if {@code overlap} is outside {@code keybridge.rotation.minimum-overlap} and
     *     {@code maximum-overlap}; checked before anything is recorded
     * @throws RotationInProgressException if the key is being rotated
     * @throws RotationFailedException if delivery failed (the old version still verifies; a retry is scheduled)
     */
    public Rotation rotate(UUID keyId, String actor, @Nullable Duration overlap) {
        if (overlap != null && overlap.compareTo(properties.minimumOverlap()) < 0) {
            throw new InvalidKeyRequestException(
                    "overlap",
                    "minimum",
                    "overlap must be at least " + properties.minimumOverlap()
                            + " (keybridge.rotation.minimum-overlap): consumers that re-read their secret less often"
                            + " would be left holding a revoked key");
        }
        if (overlap != null && overlap.compareTo(properties.maximumOverlap()) > 0) {
            throw new InvalidKeyRequestException(
                    "overlap",
                    "maximum",
                    "overlap must be at most " + RotationPolicies.readable(properties.maximumOverlap())
                            + " (keybridge.rotation.maximum-overlap): a replaced key is meant to stop working soon");
        }
        return run(keyId, Trigger.MANUAL, actor, null, overlap, null);
    }

    /**
     * Contains a leak: with no grace the key's current versions stop verifying before this returns, then a new version
     * is issued and delivered; with a grace period the new version is delivered first and the old ones are revoked
     * when the grace ends.
     *
     * @throws RotationFailedException if the new version could not be delivered (the old ones stay revoked)
     */
    public Rotation emergencyRotate(UUID keyId, String actor, String reason, Duration grace) {
        if (grace.isNegative()) {
            throw new InvalidKeyRequestException("grace", "minimum", "grace must not be negative");
        }
        if (grace.compareTo(properties.maximumEmergencyGrace()) > 0) {
            throw new InvalidKeyRequestException(
                    "grace",
                    "maximum",
                    "grace must be at most " + properties.maximumEmergencyGrace()
                            + " (keybridge.rotation.maximum-emergency-grace): an emergency means the leaked key stops"
                            + " working soon");
        }
        Rotation rotation;
        if (grace.isZero()) {
            Instant revokedAt = clock.instant();
            List<KeyVersion> revoked =
                    contain(List.of(keyId), actor, reason, revokedAt).get(keyId);
            rotation = reissue(keyId, actor, reason, revokedAt, revoked);
        } else {
            rotation = run(keyId, Trigger.EMERGENCY, actor, reason, grace, null);
        }
        audit.record(
                actor,
                "emergency.completed",
                keyId,
                Outcome.SUCCESS,
                "version " + rotation.toVersion() + " delivered; reason: " + reason);
        return rotation;
    }

    /**
     * Containment: every live version of every given key stops verifying, before anything else happens. The
     * verification index is told first, so this node refuses the keys within milliseconds; then one transaction
     * revokes them in the database (durable, and what other nodes and restarts go by) with their audit entries.
     * Refusing early is never less safe; if the transaction fails the caller gets the error and retries.
     *
     * @return the versions revoked, by key
     */
    public java.util.Map<UUID, List<KeyVersion>> contain(
            java.util.Collection<UUID> keyIds, String actor, String reason, Instant at) {
        index.revokeAll(versions.ofKeys(keyIds).stream()
                .filter(version -> version.state().verifies())
                .map(KeyVersion::hash)
                .toList());
        java.util.Map<UUID, List<KeyVersion>> revoked = transactions.execute(status -> {
            java.util.Map<UUID, List<KeyVersion>> byKey = new java.util.LinkedHashMap<>();
            keyIds.forEach(keyId -> byKey.put(keyId, new java.util.ArrayList<>()));
            for (KeyVersion version : versions.revokeAllOf(keyIds, at)) {
                byKey.get(version.keyId()).add(version);
            }
            // an overlap under way ends here: its older versions were just revoked, so its history says so
            rotations.endedByContainment(keyIds, at);
            audit.recordAll(actor, "key.emergency-rotate.revoked", keyIds, Outcome.SUCCESS, "reason: " + reason);
            return byKey;
        });
        // versions added between the first read and the transaction (a rotation starting meanwhile)
        index.revokeAll(revoked.values().stream()
                .flatMap(List::stream)
                .map(KeyVersion::hash)
                .toList());
        log.warn("emergency: revoked {} keys; reason: {}", revoked.size(), reason);
        revoked.forEach((keyId, versionsOfKey) -> versionsOfKey.stream()
                .max(Comparator.comparingInt(KeyVersion::version))
                .ifPresent(newest -> events.publishEvent(
                        new StepReached(keyId, newest.id(), newest.version(), StepReached.Step.CONTAINED))));
        return revoked;
    }

    /**
     * After containment: destroys the revoked versions at the destinations, then issues and delivers a new version.
     *
     * @throws RotationFailedException if the new version could not be delivered (the old ones stay revoked)
     */
    public Rotation reissue(UUID keyId, String actor, String reason, Instant revokedAt, List<KeyVersion> revoked) {
        delivered.remove(
                keyId, revoked.stream().map(KeyVersion::id).toList(), SecretDestination.Removal.DESTROY_VERSION);
        return run(keyId, Trigger.EMERGENCY, actor, reason, Duration.ZERO, revokedAt);
    }

    /**
     * Finishes an emergency rotation that stopped between containment and re-issuing: its versions are revoked, and
     * without this the key would wait for its next scheduled rotation, with no valid version, for days. Removes the
     * revoked versions from the destinations and delivers a new one; a rotation already under way is left to finish.
     */
    public void reissueContained(UUID keyId) {
        log.warn("key {} was contained by an emergency rotation that did not deliver a new version; delivering", keyId);
        try {
            reissue(
                    keyId,
                    "system",
                    "emergency rotation interrupted after containment",
                    clock.instant(),
                    versions.ofKey(keyId));
        } catch (RotationFailedException | RotationInProgressException | KeyNotRotatableException e) {
            log.warn("re-issuing contained key {}: {}", keyId, e.getMessage());
        }
    }

    /** Called by the scheduler when a key's rotation is due; does nothing for a revoked or busy key. */
    public void rotateWhenDue(UUID keyId) {
        ApiKey key = keys.find(keyId).orElse(null);
        if (key == null || key.status() != KeyStatus.ACTIVE) {
            return;
        }
        if (key.nextRotationAt() == null) {
            // nothing planned (a cron that fires no more): a stale firing, Quartz re-running a job whose node stopped
            // before recording it done, after the rotation it ran had planned nothing further
            log.info("rotation of key {} fired with none planned; nothing to do", keyId);
            return;
        }
        if (key.nextRotationAt().isAfter(clock.instant().plusSeconds(1))) {
            // a stale firing: Quartz re-running a job a crash interrupted after the rotation it started was finished,
            // or a trigger left behind by a manual rotation. The key's own plan decides.
            scheduler.scheduleRotation(keyId, key.nextRotationAt());
            return;
        }
        KeyVersion current = versions.currentOf(keyId);
        RotationPolicy policy = policies.get(key.rotationPolicy());
        boolean expiring = current != null
                && current.expiresAt() != null
                && !clock.instant().isBefore(current.expiresAt().minus(policy.rotateBeforeExpiry()));
        try {
            run(keyId, expiring ? Trigger.EXPIRY : Trigger.SCHEDULED, "scheduler", null, null, null);
        } catch (RotationInProgressException e) {
            log.info("scheduled rotation of key {} skipped: a rotation is already delivering", keyId);
        } catch (RotationFailedException e) {
            // recorded, audited and rescheduled with back-off by run()
        } catch (KeyNotRotatableException e) {
            log.info("scheduled rotation of key {} stopped: {}", keyId, e.getMessage());
        }
    }

    /**
     * Ends a rotation's overlap: revokes the versions it replaced (one transaction, {@code REVOKING}), then handles them
     * at the destinations per policy ({@code COMPLETED}). Safe to call again at either step, which is how a rotation
     * interrupted between the two is finished.
     */
    public void endOverlap(UUID rotationId) {
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
            List<KeyVersion> older = liveVersions(rotation.keyId()).stream()
                    .filter(version -> version.version() < rotation.toVersion())
                    .toList();
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
    public void checkDrained(UUID rotationId) {
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
        boolean newInUse = lastUse(rotation.toVersionId()) != null;
        boolean oldQuiet = liveVersions(key.id()).stream()
                .filter(v -> v.version() < rotation.toVersion())
                .map(v -> lastUse(v.id()))
                .allMatch(used -> used == null || !used.plus(quiet).isAfter(now));
        if (newInUse && oldQuiet) {
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

    /** The key's rotations, newest first. */
    public List<Rotation> history(UUID keyId) {
        keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        return rotations.ofKey(keyId);
    }

    private Rotation run(
            UUID keyId,
            Trigger trigger,
            String actor,
            @Nullable String reason,
            @Nullable Duration overlapOverride,
            @Nullable Instant oldRevokedAt) {
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
            Rotation rotation = new Rotation(
                    UUID.randomUUID(),
                    keyId,
                    trigger,
                    actor,
                    reason,
                    fromVersion,
                    next.id(),
                    next.version(),
                    RotationState.DELIVERING,
                    overlap,
                    now,
                    oldRevokedAt,
                    null,
                    null,
                    null,
                    null);
            transactions.executeWithoutResult(status -> {
                if (!keys.lockIfActive(keyId)) {
                    // revoked (or suspended) since it was read: a revocation always wins
                    throw new KeyNotRotatableException(
                            keyId, keys.find(keyId).map(k -> k.status().name()).orElse("gone"));
                }
                rotations.start(rotation);
                versions.add(next, targets, now);
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
            try {
                delivery.deliver(next, targets, SecretPayload.of(key, next), material);
            } catch (DestinationException e) {
                throw fail(key, rotation, next, e);
            }
            activate(key, policy, rotation, next);
            return rotations.find(rotation.id()).orElseThrow();
        }
    }

    /**
     * The new version is confirmed everywhere: it becomes {@code ACTIVE}, the older ones {@code RETIRING}, in one
     * transaction; then the overlap's end and the next rotation are scheduled.
     */
    private void activate(ApiKey key, RotationPolicy policy, Rotation rotation, KeyVersion next) {
        UUID keyId = key.id();
        String actor = rotation.actor();
        Duration overlap = rotation.overlap();
        Trigger trigger = rotation.trigger();
        Instant versionExpiry = next.expiresAt();
        Instant confirmedAt = clock.instant();
        // after containment the older versions are revoked already: there is no overlap, and nothing to end later
        boolean contained = rotation.oldRevokedAt() != null;
        Instant retireAt = contained ? rotation.oldRevokedAt() : confirmedAt.plus(overlap);
        Instant nextRotation =
                policy.nextRotation(confirmedAt, key.expiresByLifetime(versionExpiry) ? versionExpiry : null);
        boolean stillActive = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!keys.lockUnlessRevoked(keyId)) {
                return false; // revoked while the new version was delivered: see abandonRevoked
            }
            for (KeyVersion older : liveVersions(keyId)) {
                if (older.version() < next.version() && older.state() != VersionState.RETIRING) {
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
                activate(key, policies.get(key.rotationPolicy()), rotation, next);
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

    private List<KeyVersion> liveVersions(UUID keyId) {
        return versions.ofKey(keyId).stream().filter(v -> v.state().verifies()).toList();
    }
}
