package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.verification.VerificationIndex;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Suspends and resumes keys. A suspended key verifies nowhere and does not rotate, but nothing is removed: resuming
 * it makes the versions consumers hold valid again at once, and plans its next rotation (at once, if it fell due
 * meanwhile). Both are idempotent.
 */
@Service
public class KeySuspension {

    private static final Logger log = LoggerFactory.getLogger(KeySuspension.class);

    private final ApiKeys keys;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    KeySuspension(
            ApiKeys keys,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            ApplicationEventPublisher events) {
        this.keys = keys;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
        this.events = events;
    }

    /**
     * @throws KeyNotFoundException if there is no such key
     * @throws KeyStatusConflictException if the key is neither active nor suspended
     */
    public void suspend(UUID keyId, String reason, String actor) {
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        if (key.status() == KeyStatus.SUSPENDED) {
            return;
        }
        if (key.status() != KeyStatus.ACTIVE) {
            throw new KeyStatusConflictException("only an ACTIVE key can be suspended; this one is " + key.status());
        }
        boolean changed = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!keys.changeStatus(keyId, KeyStatus.ACTIVE, KeyStatus.SUSPENDED)) {
                return false; // revoked or suspended meanwhile
            }
            audit.record(actor, "key.suspend", keyId, Outcome.SUCCESS, "reason: " + reason);
            return true;
        }));
        index.refresh(keyId);
        if (changed) {
            log.info("suspended key {} ({}); reason: {}", keyId, key.name(), reason);
        }
    }

    /**
     * @throws KeyNotFoundException if there is no such key
     * @throws KeyStatusConflictException if the key is neither suspended nor active
     */
    public void resume(UUID keyId, String actor) {
        ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
        if (key.status() == KeyStatus.ACTIVE) {
            return;
        }
        if (key.status() != KeyStatus.SUSPENDED) {
            throw new KeyStatusConflictException("only a SUSPENDED key can be resumed; this one is " + key.status());
        }
        boolean changed = Boolean.TRUE.equals(transactions.execute(status -> {
            if (!keys.changeStatus(keyId, KeyStatus.SUSPENDED, KeyStatus.ACTIVE)) {
                return false;
            }
            audit.record(actor, "key.resume", keyId, Outcome.SUCCESS, null);
            return true;
        }));
        index.refresh(keyId);
        if (changed) {
            events.publishEvent(new RotationPolicyChanged(keyId, key.rotationPolicy()));
            log.info("resumed key {} ({})", keyId, key.name());
        }
    }
}
