package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.StepReached;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Emergency rotation of one key, and the containment that bulk runs share: revoke first — containment is a database
 * operation and an in-memory one, nothing external — and deliver after. A leaked key must stop working whether or not
 * a secret store answers.
 */
@Service
public class Containment {

    private static final Logger log = LoggerFactory.getLogger(Containment.class);

    private final KeyVersions versions;
    private final Rotations rotations;
    private final RotationProperties properties;
    private final RotationWave wave;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Containment(
            KeyVersions versions,
            Rotations rotations,
            RotationProperties properties,
            RotationWave wave,
            DeliveredVersions delivered,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            ApplicationEventPublisher events,
            Clock clock) {
        this.versions = versions;
        this.rotations = rotations;
        this.properties = properties;
        this.wave = wave;
        this.delivered = delivered;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
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
            rotation = wave.rotate(new RotationRequest(keyId, Trigger.EMERGENCY, actor, reason, grace, null, null));
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
    public Map<UUID, List<KeyVersion>> contain(Collection<UUID> keyIds, String actor, String reason, Instant at) {
        index.revokeAll(versions.ofKeys(keyIds).stream()
                .filter(version -> version.state().verifies())
                .map(KeyVersion::hash)
                .toList());
        Map<UUID, List<KeyVersion>> revoked = transactions.execute(status -> {
            Map<UUID, List<KeyVersion>> byKey = new LinkedHashMap<>();
            keyIds.forEach(keyId -> byKey.put(keyId, new ArrayList<>()));
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
        return RotationWave.join(
                reissueRemoved(List.of(keyId), actor, reason, revokedAt).getFirst());
    }

    /**
     * Issues and delivers new versions of contained keys whose revoked versions are removed already, in the
     * rotation wave's batches.
     *
     * @return each key's outcome to come, in the order of {@code keyIds}
     */
    List<CompletableFuture<Rotation>> reissueRemoved(
            List<UUID> keyIds, String actor, String reason, Instant revokedAt) {
        return wave.rotateAll(keyIds.stream()
                .map(keyId ->
                        new RotationRequest(keyId, Trigger.EMERGENCY, actor, reason, Duration.ZERO, revokedAt, null))
                .toList());
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
}
