package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.verification.VerificationIndex;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Edits what may change about a key: its name (for people; nothing changes at the destinations) and its rotation policy. */
@Service
public class KeyEditor {

    private final ApiKeys keys;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    private final RotationPolicyLookup policies;
    private final ApplicationEventPublisher events;
    private final RotationRateCheck rates;

    public KeyEditor(
            ApiKeys keys,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            RotationPolicyLookup policies,
            ApplicationEventPublisher events,
            RotationRateCheck rates) {
        this.rates = rates;
        this.policies = policies;
        this.events = events;
        this.keys = keys;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Narrows the key's scopes (what an {@code OVER_PRIVILEGED} finding suggests). Scopes are not part of the secret,
     * so no new version is needed: every version of the key, on every node, holds only these from the next request.
     * Scopes are never added to a live key; a key that needs more is a new key.
     *
     * @throws InvalidKeyRequestException if the scopes are empty or not a subset of the key's
     * @throws KeyNotFoundException if there is no such key
     */
    public void narrowScopes(UUID keyId, Set<String> scopes, String actor) {
        transactions.executeWithoutResult(status -> {
            ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
            if (scopes.isEmpty() || !key.scopes().containsAll(scopes)) {
                throw new InvalidKeyRequestException(
                        "scopes",
                        "narrower-only",
                        "scopes can only be narrowed to a non-empty subset of " + key.scopes()
                                + "; a key that needs more is a new key");
            }
            if (key.scopes().equals(scopes)) {
                return;
            }
            keys.changeScopes(keyId, new TreeSet<>(scopes));
            audit.record(actor, "key.scopes", keyId, Outcome.SUCCESS, key.scopes() + " -> " + new TreeSet<>(scopes));
        });
        index.refresh(keyId);
    }

    /**
     * Sets the addresses the key may be presented from; verification applies it to the next request (on every node
     * of a cluster soon after).
     *
     * @throws KeyNotFoundException if there is no such key
     */
    public void changeAllowedSources(UUID keyId, AllowedSources sources, String actor) {
        transactions.executeWithoutResult(status -> {
            ApiKey key = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
            if (key.allowedSources().equals(sources)) {
                return;
            }
            keys.changeAllowedSources(keyId, sources);
            audit.record(
                    actor,
                    "key.allowed-sources",
                    keyId,
                    Outcome.SUCCESS,
                    "'" + key.allowedSources() + "' -> '" + sources + "'");
        });
        index.refresh(keyId);
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

    /**
     * Moves the key to another rotation policy; its next rotation is planned anew.
     *
     * @throws InvalidKeyRequestException if no such policy exists
     */
    public void changeRotationPolicy(UUID keyId, String policy, String actor) {
        if (!policies.exists(policy)) {
            throw new InvalidKeyRequestException(
                    "rotationPolicy",
                    "unknown-policy",
                    "no rotation policy named '" + policy + "' in the policy folder");
        }
        rates.check(
                policy,
                keys.destinationsOf(keyId).stream()
                        .map(io.keybridge.keys.KeyDestination::type)
                        .toList());
        ApiKey key = transactions.execute(status -> {
            ApiKey found = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
            keys.changeRotationPolicy(keyId, policy);
            audit.record(
                    actor,
                    "key.rotation-policy",
                    keyId,
                    Outcome.SUCCESS,
                    "'" + found.rotationPolicy() + "' -> '" + policy + "'");
            return found;
        });
        if (key.status() == KeyStatus.ACTIVE) {
            events.publishEvent(new RotationPolicyChanged(keyId, policy));
        }
    }
}
