package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyStatus;
import io.keybridge.verification.VerificationIndex;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Edits what may change about a key: its name (for people; nothing changes at the destinations), its rotation policy,
 * where it may be presented from, and its scopes (narrowed only). A request is validated whole, then applied in one
 * transaction: all of it or none of it.
 */
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
     * What a {@code PATCH} asks to change; a null field stays as it is.
     *
     * @param scopes a non-empty subset of the key's scopes (scopes are only ever narrowed)
     */
    public record KeyChanges(
            @Nullable String name,
            @Nullable String rotationPolicy,
            @Nullable Set<String> scopes,
            @Nullable AllowedSources allowedSources) {}

    /**
     * Applies every change, or none: each is checked first (policy known and allowed for the key's destinations, scopes
     * narrowed only), then all are written in one transaction with their audit entries. A name another live key of the
     * owner holds fails the transaction, and nothing is changed either.
     *
     * @throws InvalidKeyRequestException if any change is invalid
     * @throws KeyNotFoundException if there is no such key
     * @throws io.keybridge.keys.DuplicateKeyNameException if the owner has another live key of that name
     */
    public void update(UUID keyId, KeyChanges changes, String actor) {
        if (changes.rotationPolicy() != null) {
            checkPolicy(keyId, changes.rotationPolicy());
        }
        ApiKey key = transactions.execute(status -> {
            ApiKey found = keys.find(keyId).orElseThrow(() -> new KeyNotFoundException(keyId));
            if (changes.scopes() != null) {
                checkNarrowing(found, changes.scopes()); // before any write: a refusal changes nothing
            }
            if (changes.name() != null && !found.name().equals(changes.name())) {
                keys.rename(found, changes.name());
                audit.record(
                        actor,
                        "key.rename",
                        keyId,
                        Outcome.SUCCESS,
                        "'" + found.name() + "' -> '" + changes.name() + "'");
            }
            if (changes.rotationPolicy() != null) {
                keys.changeRotationPolicy(keyId, changes.rotationPolicy());
                audit.record(
                        actor,
                        "key.rotation-policy",
                        keyId,
                        Outcome.SUCCESS,
                        "'" + found.rotationPolicy() + "' -> '" + changes.rotationPolicy() + "'");
            }
            if (changes.scopes() != null && !found.scopes().equals(changes.scopes())) {
                keys.changeScopes(keyId, new TreeSet<>(changes.scopes()));
                audit.record(
                        actor,
                        "key.scopes",
                        keyId,
                        Outcome.SUCCESS,
                        found.scopes() + " -> " + new TreeSet<>(changes.scopes()));
            }
            if (changes.allowedSources() != null && !found.allowedSources().equals(changes.allowedSources())) {
                keys.changeAllowedSources(keyId, changes.allowedSources());
                audit.record(
                        actor,
                        "key.allowed-sources",
                        keyId,
                        Outcome.SUCCESS,
                        "'" + found.allowedSources() + "' -> '" + changes.allowedSources() + "'");
            }
            return found;
        });
        // after the commit: the verification index (here, and on other nodes through its change feed) and the plan
        if (changes.name() != null || changes.scopes() != null || changes.allowedSources() != null) {
            index.refresh(keyId);
        }
        if (changes.rotationPolicy() != null && key.status() == KeyStatus.ACTIVE) {
            events.publishEvent(new RotationPolicyChanged(keyId, changes.rotationPolicy()));
        }
    }

    /**
     * Narrows the key's scopes (what an {@code OVER_PRIVILEGED} finding suggests). Scopes are not part of the secret,
     * so no new version is needed: every version of the key, on every node, holds only these from the next request.
     */
    public void narrowScopes(UUID keyId, Set<String> scopes, String actor) {
        update(keyId, new KeyChanges(null, null, scopes, null), actor);
    }

    /** Sets the addresses the key may be presented from; verification applies it to the next request. */
    public void changeAllowedSources(UUID keyId, AllowedSources sources, String actor) {
        update(keyId, new KeyChanges(null, null, null, sources), actor);
    }

    public void rename(UUID keyId, String name, String actor) {
        update(keyId, new KeyChanges(name, null, null, null), actor);
    }

    /** Moves the key to another rotation policy; its next rotation is planned anew. */
    public void changeRotationPolicy(UUID keyId, String policy, String actor) {
        update(keyId, new KeyChanges(null, policy, null, null), actor);
    }

    private void checkPolicy(UUID keyId, String policy) {
        if (!policies.exists(policy)) {
            throw new InvalidKeyRequestException(
                    "rotationPolicy",
                    "unknown-policy",
                    "no rotation policy named '" + policy + "' in the policy folder");
        }
        List<KeyDestination> destinations = keys.destinationsOf(keyId);
        rates.check(policy, destinations.stream().map(KeyDestination::type).toList());
        ConsumerOverlaps.requireCovered(
                destinations,
                policies.overlap(policy),
                position -> "rotationPolicy",
                "rotation policy '" + policy + "'");
    }

    /** Scopes are never added to a live key; a key that needs more is a new key. */
    private static void checkNarrowing(ApiKey key, Set<String> scopes) {
        if (scopes.isEmpty() || !key.scopes().containsAll(scopes)) {
            throw new InvalidKeyRequestException(
                    "scopes",
                    "narrower-only",
                    "scopes can only be narrowed to a non-empty subset of " + key.scopes()
                            + "; a key that needs more is a new key");
        }
    }
}
