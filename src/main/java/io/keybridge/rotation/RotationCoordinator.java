package io.keybridge.rotation;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.DueKey;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.lifecycle.ConsumerOverlaps;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Rotates a key on its schedule (expiry included) or at an operator's request. The rotation itself is carried by
 * {@link RotationRunner}; what follows its confirmation by {@link OverlapEnd}; emergencies by {@link Containment}.
 */
@Service
public class RotationCoordinator {

    private static final Logger log = LoggerFactory.getLogger(RotationCoordinator.class);
    /** The most keys one look-up of the rotations due reads. */
    private static final int MAX_LOOK_UP = 50_000;

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Rotations rotations;
    private final RotationPolicies policies;
    private final RotationProperties properties;
    private final RotationWave wave;
    private final Clock clock;

    RotationCoordinator(
            ApiKeys keys,
            KeyVersions versions,
            Rotations rotations,
            RotationPolicies policies,
            RotationProperties properties,
            RotationWave wave,
            Clock clock) {
        this.keys = keys;
        this.versions = versions;
        this.rotations = rotations;
        this.policies = policies;
        this.properties = properties;
        this.wave = wave;
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
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        Duration effective = overlap != null
                ? overlap
                : policies.find(key.rotationPolicy())
                        .map(RotationPolicy::overlap)
                        .orElse(Duration.ZERO);
        ConsumerOverlaps.requireCovered(
                keys.destinationsOf(keyId),
                effective,
                position -> "overlap",
                overlap != null ? "the requested overlap" : "rotation policy '" + key.rotationPolicy() + "'");
        return wave.rotate(new RotationRequest(keyId, Trigger.MANUAL, actor, null, overlap, null, null));
    }

    /**
     * Replaces a version that a destination lost (its consumers no longer read it), unless a rotation has replaced it
     * since the caller found it lost: a check that races a rotation must not rotate the key a second time.
     *
     * @return whether a rotation ran; false if {@code lostVersion} is no longer the key's current version
     * @throws RotationInProgressException if the key is being rotated
     * @throws RotationFailedException if delivery failed (the old version still verifies; a retry is scheduled)
     */
    public boolean replaceLost(UUID keyId, String actor, int lostVersion) {
        try {
            wave.rotate(new RotationRequest(
                    keyId,
                    Trigger.MANUAL,
                    actor,
                    "version " + lostVersion + " lost at a destination",
                    null,
                    null,
                    lostVersion));
            return true;
        } catch (RotationRunner.Superseded e) {
            log.info("key {}: version {} was replaced meanwhile; not rotating it again", keyId, lostVersion);
            return false;
        }
    }

    /**
     * Called by a trigger that an earlier release planted for the key's rotation (they are planted no more: see
     * {@link #rotateDue}); does nothing for a revoked or busy key, or one whose plan is not due yet.
     */
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
            // a stale firing: a trigger left behind by a manual rotation, or Quartz re-running a job a crash
            // interrupted after its rotation was finished. The key's own plan decides, and DueRotations follows it.
            return;
        }
        KeyVersion current = versions.currentOf(keyId);
        try {
            // The checks above read the key without its lock. A rotation confirmed since (another node settling one
            // its stopped node left, while Quartz fires that node's job again here) has replaced the version this
            // firing was for and planned the next: naming it makes the start refuse, under the lock, to rotate twice.
            // The firing waits until its rotation is recorded, not for its outcome: from then on a crash leaves a
            // rotation the sweeps settle, and until then Quartz still counts the firing as running.
            wave.startRotation(dueRotation(
                    keyId,
                    key.rotationPolicy(),
                    current == null ? null : current.version(),
                    current == null ? null : current.expiresAt()));
        } catch (RotationRunner.Superseded e) {
            log.info(
                    "scheduled rotation of key {} skipped: version {} was replaced meanwhile",
                    keyId,
                    current.version());
        } catch (RotationInProgressException e) {
            log.info("scheduled rotation of key {} skipped: a rotation is already delivering", keyId);
        } catch (KeyNotRotatableException e) {
            log.info("scheduled rotation of key {} stopped: {}", keyId, e.getMessage());
        }
    }

    /**
     * Hands the keys whose rotation is due (their {@code next_rotation_at} passed: on schedule, for expiry, a retry
     * after a failure, a rotation a restart interrupted) to the wave, as much as its next batches have room for, until
     * none is left or {@code forAtMost} has passed; called by {@link DueRotations}, with this node's share of the keys.
     * It does not wait for them: each rotation records itself, and a key whose rotation could not start is still due
     * and found again, except that one refused for another reason than a rotation already under way, a replaced
     * version or a key no longer active is put off by {@code putOff} with the reason recorded, so that one bad row is
     * not retried on every look-up.
     *
     * @return how many rotations were handed to the wave
     */
    int rotateDue(Duration forAtMost, Duration putOff, DueRotations.Share share) throws InterruptedException {
        long until = System.nanoTime() + forAtMost.toNanos();
        int handed = 0;
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return handed;
            }
            int room = wave.awaitRoom(Duration.ofNanos(left));
            if (room == 0) {
                return handed; // busy all along, or stopping: the next look-up goes on
            }
            List<WaveItem> added;
            int found;
            // the rotations handed over and not yet recorded are found again, and so are the other nodes': read past
            // them
            int limit = (int) Math.min(MAX_LOOK_UP, (long) (room + wave.waiting()) * share.of());
            try {
                List<DueKey> due = keys.dueForRotation(clock.instant(), limit);
                found = due.size();
                List<RotationRequest> requests = new ArrayList<>(due.size());
                for (DueKey key : due) {
                    if (!share.owns(key.keyId())) {
                        continue;
                    }
                    try {
                        requests.add(dueRotation(
                                key.keyId(), key.rotationPolicy(), key.currentVersion(), key.currentExpiresAt()));
                    } catch (RuntimeException e) {
                        putOffUnlessExpected(key.keyId(), e, putOff); // its policy file gone, say: the others go on
                    }
                }
                added = wave.takeAlong(requests);
            } finally {
                wave.lookedUp();
            }
            added.forEach(item -> item.started().whenComplete((ok, refusal) -> {
                if (refusal != null) {
                    putOffUnlessExpected(item.request().keyId(), refusal, putOff);
                }
            }));
            handed += added.size();
            if (added.isEmpty() || found < limit) {
                return handed; // nothing else is due (what was found is on its way)
            }
        }
    }

    private void putOffUnlessExpected(UUID keyId, Throwable refusal, Duration putOff) {
        if (refusal instanceof RotationRunner.Superseded
                || refusal instanceof RotationInProgressException
                || refusal instanceof KeyNotRotatableException
                || refusal instanceof KeyNotFoundException) {
            return; // rotated meanwhile, or not to be rotated: the key's own state says what comes next
        }
        Instant retryAt = clock.instant().plus(putOff);
        log.warn(
                "the due rotation of key {} could not start; trying again at {}: {}",
                keyId,
                retryAt,
                refusal.toString());
        try {
            keys.rotationPlanned(keyId, retryAt, "rotation could not start: " + refusal.getMessage());
        } catch (RuntimeException e) {
            // the database refused this too (an outage): the key stays due and is looked up again
            log.warn("could not put off the rotation of key {}: {}", keyId, e.toString());
        }
    }

    /**
     * A due rotation, on schedule or for expiry, that replaces the version the caller read: checked under the key's
     * lock when it is recorded, since a rotation confirmed in between (another node's, or a settled one) has replaced
     * it and planned the next.
     */
    private RotationRequest dueRotation(
            UUID keyId, String policyName, @Nullable Integer currentVersion, @Nullable Instant currentExpiresAt) {
        RotationPolicy policy = policies.get(policyName);
        boolean expiring = currentExpiresAt != null
                && !clock.instant().isBefore(currentExpiresAt.minus(policy.rotateBeforeExpiry()));
        return new RotationRequest(
                keyId, expiring ? Trigger.EXPIRY : Trigger.SCHEDULED, "scheduler", null, null, null, currentVersion);
    }

    /**
     * One of the key's rotations.
     *
     * @throws KeyNotFoundException if there is no such key
     * @throws RotationNotFoundException if the key has no such rotation
     */
    public Rotation rotation(UUID keyId, UUID rotationId) {
        keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        return rotations
                .find(rotationId)
                .filter(rotation -> rotation.keyId().equals(keyId))
                .orElseThrow(() -> new RotationNotFoundException(keyId, rotationId));
    }

    /** The key's rotations, newest first. */
    public List<Rotation> history(UUID keyId) {
        keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        return rotations.ofKey(keyId);
    }
}
