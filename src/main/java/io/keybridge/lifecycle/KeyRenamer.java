package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.verification.VerificationIndex;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Renames keys; the name is for people, so nothing at the destinations changes. */
@Service
public class KeyRenamer {

    private final ApiKeys keys;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    public KeyRenamer(ApiKeys keys, VerificationIndex index, AuditLog audit, TransactionTemplate transactions) {
        this.keys = keys;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * @throws KeyNotFoundException if there is no such key
     * @throws io.keybridge.keys.DuplicateKeyNameException if the owner has another live key of that name
     */
    public void rename(UUID keyId, String name, String actor) {
        transactions.executeWithoutResult(status -> {
            ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
            if (key.name().equals(name)) {
                return;
            }
            keys.rename(key, name);
            audit.record(actor, "key.rename", keyId, Outcome.SUCCESS, "'" + key.name() + "' -> '" + name + "'");
        });
        index.rename(keyId, name);
    }
}
