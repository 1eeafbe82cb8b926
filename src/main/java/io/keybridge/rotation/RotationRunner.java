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
import io.keybridge.lifecycle.ConsumerOverlaps;
import io.keybridge.retry.RetryBackOff;
import io.keybridge.verification.VerificationIndex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
     * Rotates the key to a new version and delivers it everywhere: a batch of one.
     *
     * @throws KeyNotRotatableException if the key is not active (or is revoked during the rotation)
     * @throws RotationInProgressException if the key is being rotated
     * @throws RotationFailedException if delivery failed (the old version still verifies; a retry is scheduled)
     * @throws Superseded if {@code onlyReplacing} was replaced since the caller looked; nothing was recorded
     */
    Rotation run(RotationRequest request) {
        WaveItem item = WaveItem.of(request);
        runAll(List.of(item), Runnable::run);
        return RotationWave.join(item.done());
    }

    /**
     * Runs a batch of rotations with the write-ahead rule kept for the batch as a whole: one transaction records every
     * new version and its intents, the store calls run on {@code calls} (concurrently, as many as it allows), and one
     * transaction records the confirmations, activates the versions and plants their triggers. Each item reports on
     * its own: a refusal or a failed delivery is that item's (a failure gets its own retry with back-off), and should
     * a batch transaction fail, its items are recorded one by one so that one bad row cannot fail its neighbours.
     * Returns once every item is done.
     */
    void runAll(List<WaveItem> batch, Executor calls) {
        DistributionSummary.builder("keybridge.rotation.batch.size")
                .description("Rotations recorded, delivered and activated together")
                .register(meters)
                .record(batch.size());
        List<Prepared> prepared = new ArrayList<>(batch.size());
        List<CompletableFuture<Void>> delivering = new ArrayList<>();
        try {
            for (WaveItem item : batch) {
                try {
                    prepared.add(prepare(item));
                } catch (RuntimeException e) {
                    item.refused(e);
                }
            }
            List<Prepared> started = recordStarts(prepared);
            for (Prepared p : started) {
                index.accept(p.key, p.next); // accept before publish: a consumer may read it the instant it lands
            }
            for (Prepared p : started) {
                p.item.started().complete(null);
            }
            for (Prepared p : started) {
                events.publishEvent(
                        new StepReached(p.key.id(), p.next.id(), p.next.version(), StepReached.Step.VERSION_RECORDED));
            }
            for (Prepared p : started) {
                delivering.add(CompletableFuture.runAsync(() -> deliver(p), calls));
            }
            CompletableFuture.allOf(delivering.toArray(CompletableFuture[]::new))
                    .exceptionally(e -> null)
                    .join();
            List<Prepared> confirmed = new ArrayList<>();
            for (Prepared p : started) {
                if (p.confirmation != null) {
                    confirmed.add(p);
                } else {
                    p.item.failed(failed(p));
                }
            }
            activateAll(confirmed);
        } catch (RuntimeException | Error e) {
            batch.forEach(item -> item.refused(e)); // no-ops for the items already done
            throw e;
        } finally {
            // no call may still be reading a key when it is wiped
            delivering.forEach(call -> call.exceptionally(e -> null).join());
            prepared.forEach(p -> p.material.close());
        }
    }

    /** What a rotation knows before anything is recorded; its material lives until the batch is done. */
    private static final class Prepared {
        final WaveItem item;
        final ApiKey key;
        final RotationPolicy policy;
        final List<KeyDestination> targets;
        final KeyMaterial material;
        final KeyVersion next;
        final Rotation rotation;
        final SecretPayload payload;
        final Map<UUID, Intent> plans;
        VersionDelivery.@Nullable Confirmation confirmation;

        @Nullable
        RuntimeException deliveryFailure;

        Prepared(
                WaveItem item,
                ApiKey key,
                RotationPolicy policy,
                List<KeyDestination> targets,
                KeyMaterial material,
                KeyVersion next,
                Rotation rotation,
                SecretPayload payload,
                Map<UUID, Intent> plans) {
            this.item = item;
            this.key = key;
            this.policy = policy;
            this.targets = targets;
            this.material = material;
            this.next = next;
            this.rotation = rotation;
            this.payload = payload;
            this.plans = plans;
        }
    }

    /**
     * The request's overlap, else the policy's, but never shorter than the key's consumers need: a policy file
     * shortened since the key was checked against it must not revoke a key before its consumers have moved (a manual
     * rotation's overlap was refused up front instead).
     */
    private static Duration overlap(RotationRequest request, RotationPolicy policy, List<KeyDestination> targets) {
        Duration asked = request.overlapOverride() != null ? request.overlapOverride() : policy.overlap();
        Duration needed = ConsumerOverlaps.shortestOverlap(targets);
        if (asked.compareTo(needed) < 0) {
            log.warn(
                    "key {}: overlap {} is shorter than its consumers need; the old version stays valid for {}",
                    request.keyId(),
                    asked,
                    needed);
            return needed;
        }
        return asked;
    }

    /** Reads what the rotation needs and draws the new key; records nothing. */
    private Prepared prepare(WaveItem item) {
        RotationRequest request = item.request();
        UUID keyId = request.keyId();
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        if (key.status() != KeyStatus.ACTIVE) {
            throw new KeyNotRotatableException(keyId, key.status().name());
        }
        RotationPolicy policy = policies.get(key.rotationPolicy());
        List<KeyDestination> targets = keys.destinationsOf(keyId);
        Duration overlap = overlap(request, policy, targets);
        Instant now = clock.instant();
        int fromVersion = versions.ofKey(keyId).stream()
                .mapToInt(KeyVersion::version)
                .max()
                .orElse(0);
        Instant versionExpiry = key.versionExpiry(policy.keyLifetime(), now);
        KeyMaterial material = format.generate(key.environment(), random);
        try {
            KeyVersion next = KeyVersion.pending(keyId, fromVersion + 1, material, now, versionExpiry);
            Rotation rotation = Rotation.delivering(
                    keyId,
                    request.trigger(),
                    request.actor(),
                    request.reason(),
                    fromVersion,
                    next.id(),
                    next.version(),
                    overlap,
                    now,
                    request.oldRevokedAt());
            SecretPayload payload = SecretPayload.of(key, next);
            Map<UUID, Intent> plans = delivery.plan(targets, payload);
            return new Prepared(item, key, policy, targets, material, next, rotation, payload, plans);
        } catch (RuntimeException e) {
            material.close();
            throw e;
        }
    }

    /**
     * Records the rotations that may start, in one transaction (keys locked in id order, so that two batches cannot
     * deadlock); the others are refused. Should that transaction fail, each is recorded in one of its own.
     *
     * @return the rotations recorded
     */
    private List<Prepared> recordStarts(List<Prepared> prepared) {
        List<Prepared> ordered = byKeyId(prepared);
        Map<Prepared, RuntimeException> refusals = new HashMap<>();
        try {
            transactions.executeWithoutResult(status -> {
                refusals.clear(); // the transaction is not retried, but its outcome is the transaction's alone
                for (Prepared p : ordered) {
                    RuntimeException refusal = recordStart(p);
                    if (refusal != null) {
                        refusals.put(p, refusal);
                    }
                }
            });
        } catch (RuntimeException batchFailure) {
            if (ordered.size() == 1) {
                refusals.put(ordered.getFirst(), batchFailure);
            } else {
                log.warn(
                        "recording {} rotations in one transaction failed; recording them one by one",
                        ordered.size(),
                        batchFailure);
                refusals.clear();
                for (Prepared p : ordered) {
                    try {
                        RuntimeException refusal = transactions.execute(status -> recordStart(p));
                        if (refusal != null) {
                            refusals.put(p, refusal);
                        }
                    } catch (RuntimeException e) {
                        refusals.put(p, e);
                    }
                }
            }
        }
        List<Prepared> started = new ArrayList<>();
        for (Prepared p : prepared) {
            RuntimeException refusal = refusals.get(p);
            if (refusal == null) {
                started.add(p);
            } else {
                p.item.refused(refusal);
            }
        }
        return started;
    }

    /**
     * Records one rotation and its new version, in the caller's transaction, or says why it may not start — before
     * writing anything of it, so that a refusal leaves the batch's transaction intact.
     */
    private @Nullable RuntimeException recordStart(Prepared p) {
        UUID keyId = p.key.id();
        RotationRequest request = p.item.request();
        if (!keys.lockIfActive(keyId)) {
            // revoked (or suspended) since it was read: a revocation always wins
            return new KeyNotRotatableException(
                    keyId, keys.find(keyId).map(k -> k.status().name()).orElse("gone"));
        }
        if (request.onlyReplacing() != null) {
            KeyVersion current = versions.currentOf(keyId);
            if (current == null || current.version() != request.onlyReplacing()) {
                return new Superseded();
            }
        }
        if (rotations.isDelivering(keyId)) {
            return new RotationInProgressException(keyId);
        }
        Instant now = p.rotation.startedAt();
        rotations.start(p.rotation);
        versions.add(p.next, p.targets, now);
        delivery.recordPlans(p.next, p.targets, p.plans);
        audit.record(
                request.actor(),
                "key.rotate.started",
                keyId,
                Outcome.SUCCESS,
                request.trigger() + " rotation to version " + p.next.version()
                        + (request.reason() == null ? "" : "; reason: " + request.reason()));
        return null;
    }

    /** Records a rotation whose delivery failed (see {@link #fail}); what to tell its caller. */
    private RuntimeException failed(Prepared p) {
        if (!(p.deliveryFailure instanceof DestinationException e)) {
            // not a store's answer (a database outage while recording a step): left DELIVERING for the sweeps
            return p.deliveryFailure != null ? p.deliveryFailure : new IllegalStateException("no outcome");
        }
        try {
            return fail(p.key, p.rotation, p.next, e);
        } catch (RuntimeException recordingFailed) {
            return recordingFailed; // left DELIVERING: the sweeps settle it
        }
    }

    /** In the order their keys are locked, the same in every batch, so that two batches cannot deadlock. */
    private static List<Prepared> byKeyId(List<Prepared> rotations) {
        return rotations.stream().sorted(Comparator.comparing(p -> p.key.id())).toList();
    }

    /** The store calls of one rotation, on a thread of the batch's call pool. */
    private void deliver(Prepared p) {
        try {
            p.confirmation = delivery.deliver(p.next, p.targets, p.payload, p.material, p.plans);
        } catch (RuntimeException e) {
            p.deliveryFailure = e;
        }
    }

    /**
     * Activates the confirmed rotations of a batch in one transaction; should it fail, each in one of its own.
     */
    private void activateAll(List<Prepared> confirmed) {
        if (confirmed.isEmpty()) {
            return;
        }
        List<Prepared> ordered = byKeyId(confirmed);
        Instant confirmedAt = clock.instant();
        Map<Prepared, Boolean> stillActive = new HashMap<>();
        try {
            transactions.executeWithoutResult(status -> {
                stillActive.clear();
                // every key's lock before Quartz's (the first trigger planted takes it): the transactions that plant
                // a trigger for one key (an overlap's end, a recovery) lock that key first, so holding Quartz's lock
                // while waiting for a key's could deadlock with them
                for (Prepared p : ordered) {
                    keys.lockUnlessRevoked(p.key.id());
                }
                for (Prepared p : ordered) {
                    stillActive.put(
                            p, recordActivation(p.key, p.policy, p.rotation, p.next, p.confirmation, confirmedAt));
                }
                planOverlapEnds(
                        ordered.stream()
                                .filter(p -> stillActive.get(p))
                                .map(p -> p.rotation)
                                .toList(),
                        confirmedAt);
            });
        } catch (RuntimeException batchFailure) {
            if (ordered.size() > 1) {
                log.warn(
                        "activating {} rotations in one transaction failed; activating them one by one",
                        ordered.size(),
                        batchFailure);
            }
            stillActive.clear();
            for (Prepared p : ordered) {
                try {
                    stillActive.put(
                            p,
                            transactions.execute(status ->
                                    activateOne(p.key, p.policy, p.rotation, p.next, p.confirmation, confirmedAt)));
                } catch (RuntimeException e) {
                    // left DELIVERING with its plan PENDING: the sweeps confirm it from the store's metadata
                    p.item.failed(e);
                }
            }
        }
        for (Prepared p : confirmed) {
            Boolean active = stillActive.get(p);
            if (active == null) {
                continue;
            }
            try {
                activated(p.rotation, p.next, p.confirmation, Boolean.TRUE.equals(active), confirmedAt);
                p.item.done().complete(rotations.find(p.rotation.id()).orElseThrow());
            } catch (RuntimeException e) {
                p.item.failed(e);
            }
        }
    }

    /**
     * The new version is confirmed everywhere: it becomes {@code ACTIVE}, the older ones {@code RETIRING}, in one
     * transaction with the last confirmation, the next rotation's time and the trigger of the overlap's end.
     */
    private void activate(
            ApiKey key,
            RotationPolicy policy,
            Rotation rotation,
            KeyVersion next,
            VersionDelivery.Confirmation confirmation) {
        Instant confirmedAt = clock.instant();
        boolean stillActive = Boolean.TRUE.equals(
                transactions.execute(status -> activateOne(key, policy, rotation, next, confirmation, confirmedAt)));
        activated(rotation, next, confirmation, stillActive, confirmedAt);
    }

    /** One rotation's activation with its overlap's end, in the caller's transaction. */
    private boolean activateOne(
            ApiKey key,
            RotationPolicy policy,
            Rotation rotation,
            KeyVersion next,
            VersionDelivery.Confirmation confirmation,
            Instant confirmedAt) {
        boolean active = recordActivation(key, policy, rotation, next, confirmation, confirmedAt);
        if (active) {
            planOverlapEnds(List.of(rotation), confirmedAt);
        }
        return active;
    }

    /**
     * Plants the ends of the overlaps of rotations activated at {@code confirmedAt}, in the caller's transaction (the
     * one that activated them: Quartz's job store joins it, so the trigger commits with the state it follows from):
     * one trigger for all those ending at the same instant. A rotation after containment has no overlap to end.
     */
    private void planOverlapEnds(List<Rotation> activated, Instant confirmedAt) {
        Map<Instant, List<UUID>> byEnd = new java.util.TreeMap<>();
        for (Rotation rotation : activated) {
            if (!rotation.afterContainment()) {
                byEnd.computeIfAbsent(retireAt(rotation, confirmedAt), at -> new ArrayList<>())
                        .add(rotation.id());
            }
        }
        byEnd.forEach(scheduler::scheduleOverlapEnds);
    }

    /**
     * When the versions a rotation confirmed at {@code confirmedAt} replaced stop verifying: at the overlap's end, or,
     * after containment, when they were revoked already.
     */
    private static Instant retireAt(Rotation rotation, Instant confirmedAt) {
        return rotation.afterContainment() ? rotation.oldRevokedAt() : confirmedAt.plus(rotation.overlap());
    }

    /**
     * What an activation records, in the caller's transaction.
     *
     * @return false if the key was revoked while the new version was delivered (nothing was activated)
     */
    private boolean recordActivation(
            ApiKey key,
            RotationPolicy policy,
            Rotation rotation,
            KeyVersion next,
            VersionDelivery.Confirmation confirmation,
            Instant confirmedAt) {
        UUID keyId = key.id();
        Instant versionExpiry = next.expiresAt();
        // after containment the older versions are revoked already: there is no overlap, and nothing to end later
        boolean contained = rotation.afterContainment();
        Instant retireAt = retireAt(rotation, confirmedAt);
        Instant nextRotation =
                policy.nextRotation(confirmedAt, key.expiresByLifetime(versionExpiry) ? versionExpiry : null);
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
                rotation.actor(),
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
        }
        if (!contained
                && policy.revokeOldWhen() == RotationPolicy.RevokeOldWhen.DRAINED
                && policy.drainQuiet() != null) {
            Instant firstCheck = confirmedAt.plus(policy.drainQuiet());
            if (firstCheck.isBefore(retireAt)) {
                scheduler.scheduleDrainCheck(rotation.id(), firstCheck);
            }
        }
        return true;
    }

    /** After the activation committed: announce it, or abandon the rotation if the key was revoked meanwhile. */
    private void activated(
            Rotation rotation,
            KeyVersion next,
            VersionDelivery.Confirmation confirmation,
            boolean stillActive,
            Instant confirmedAt) {
        UUID keyId = rotation.keyId();
        delivery.recorded(confirmation);
        if (!stillActive) {
            abandonRevoked(keyId, rotation, next);
        }
        events.publishEvent(new StepReached(keyId, next.id(), next.version(), StepReached.Step.ACTIVATED));
        count(rotation.trigger(), "confirmed");
        Timer.builder("keybridge.rotation.duration")
                .description("From a rotation's start to its new version being confirmed everywhere")
                .tag("trigger", rotation.trigger().name())
                .register(meters)
                .record(Duration.between(rotation.startedAt(), confirmedAt));
        log.info(
                "{} rotation of key {} to version {} ({}) confirmed; overlap until {}",
                rotation.trigger(),
                keyId,
                next.version(),
                next.displayPrefix(),
                retireAt(rotation, confirmedAt));
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
                keys.rotationPlanned(key.id(), retryAt, error); // DueRotations retries it then
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
