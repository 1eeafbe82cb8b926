package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Revokes keys: immediately and for good. The revocation is committed and applied to verification before keybridge
 * touches any destination, so an unreachable secret store can delay the cleanup but never the containment. Then each
 * delivered version is destroyed at its destination (Vault: the KV version is destroyed, metadata and history kept).
 */
@Service
public class KeyRevoker {

    private static final Logger log = LoggerFactory.getLogger(KeyRevoker.class);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final DeliveredVersions delivered;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public KeyRevoker(
            ApiKeys keys,
            KeyVersions versions,
            DeliveredVersions delivered,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            Clock clock,
            ApplicationEventPublisher events) {
        this.events = events;
        this.keys = keys;
        this.versions = versions;
        this.delivered = delivered;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Revokes the key. Revoking a revoked key changes nothing and succeeds, so responders can safely repeat it.
     *
     * @throws KeyNotFoundException if there is no such key
     */
    public void revoke(UUID keyId, String reason, String actor) {
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        if (key.status() == KeyStatus.REVOKED) {
            if (delivered.cleanupOwed(keyId)) {
                cleanUp(keyId, actor); // an earlier clean-up failed or was cut short: repeating the revoke finishes it
            }
            return;
        }
        Instant now = clock.instant();
        List<KeyVersion> revoked = transactions.execute(status -> {
            keys.revoke(keyId, now, reason);
            // read after the key's row is locked by the update: a rotation recording a version commits first or not
            List<KeyVersion> all = versions.ofKey(keyId);
            all.forEach(version -> versions.changeState(version.id(), VersionState.REVOKED, now));
            audit.record(actor, "key.revoke", keyId, Outcome.SUCCESS, "reason: " + reason);
            return all;
        });
        revoked.forEach(version -> index.revoke(version.hash()));
        try {
            events.publishEvent(new KeyRevoked(keyId));
        } catch (RuntimeException e) {
            // unscheduling its rotation is housekeeping: a revoked key never rotates, whatever fires
            log.warn("key {} revoked; tidying up after it failed: {}", keyId, e.toString());
        }
        log.info("revoked key {} ({}); reason: {}", keyId, key.name(), reason);
        cleanUp(keyId, actor);
    }

    /**
     * Retries the clean-up of revoked keys whose versions may still be at a destination (a refused or unreachable
     * destination, a process stopped halfway), until none is left. Removing what is gone already succeeds, so every
     * node may run it.
     */
    @Scheduled(
            fixedDelayString = "${keybridge.revocation.cleanup-retry:PT1M}",
            initialDelayString = "${keybridge.revocation.cleanup-retry:PT1M}")
    void retryOwedCleanups() {
        for (UUID keyId : versions.revokedKeysWithLiveDeliveries(100)) {
            try {
                cleanUp(keyId, "system");
            } catch (RuntimeException e) {
                log.warn("clean-up of revoked key {} failed; trying again later: {}", keyId, e.toString());
            }
        }
    }

    private void cleanUp(UUID keyId, String actor) {
        Map<String, String> failures = delivered.removeAll(keyId, SecretDestination.Removal.DESTROY_VERSION);
        transactions.executeWithoutResult(status -> audit.record(
                actor,
                "key.revoke.cleanup",
                keyId,
                failures.isEmpty() ? Outcome.SUCCESS : Outcome.FAILURE,
                failures.isEmpty() ? "removed from every destination" : "could not remove from " + failures));
    }
}
