package io.keybridge.lifecycle;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.InvalidDestinationException;
import io.keybridge.delivery.PathNotManagedException;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.VersionDelivery;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyProperties;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.VerificationIndex;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issues a key straight into its destinations.
 *
 * <p>The key is recorded {@code PENDING} before any external call. Just before the first write it starts to verify,
 * since a consumer may read it the instant it lands. Each destination is prepared, written and confirmed, with each
 * step's outcome committed before the next call. When every destination has confirmed, the key is {@code ACTIVE}. If
 * any destination fails, the key is revoked and whatever was written is removed before the caller hears of it, so no
 * valid key exists that nobody holds. The material exists only in memory, for the time of the push.
 */
@Service
public class KeyIssuer {

    private static final Logger log = LoggerFactory.getLogger(KeyIssuer.class);

    private final KeyFormat format;
    private final KeyProperties properties;
    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Destinations destinations;
    private final VersionDelivery delivery;
    private final DeliveredVersions delivered;
    private final ApplicationEventPublisher events;
    private final RotationPolicyLookup policies;
    private final RotationRateCheck rates;
    private final VerificationIndex index;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final SecureRandom random;
    private final Clock clock;

    public KeyIssuer(
            KeyFormat format,
            KeyProperties properties,
            ApiKeys keys,
            KeyVersions versions,
            Destinations destinations,
            VersionDelivery delivery,
            DeliveredVersions delivered,
            ApplicationEventPublisher events,
            RotationPolicyLookup policies,
            VerificationIndex index,
            AuditLog audit,
            TransactionTemplate transactions,
            SecureRandom random,
            Clock clock,
            RotationRateCheck rates) {
        this.rates = rates;
        this.format = format;
        this.properties = properties;
        this.keys = keys;
        this.versions = versions;
        this.destinations = destinations;
        this.delivery = delivery;
        this.delivered = delivered;
        this.events = events;
        this.policies = policies;
        this.index = index;
        this.audit = audit;
        this.transactions = transactions;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Issues the key and delivers it to every destination.
     *
     * @return the key's id
     * @throws InvalidKeyRequestException if the request breaks a rule (nothing changed)
     * @throws io.keybridge.keys.DuplicateKeyNameException if the owner has a live key of that name (nothing changed)
     * @throws io.keybridge.keys.DestinationInUseException if a destination belongs to another live key
     * @throws DeliveryFailedException if a destination failed (the key is revoked, written versions removed)
     */
    public UUID issue(NewKey request, String actor) {
        Instant now = clock.instant();
        validate(request, now);
        UUID keyId = UUID.randomUUID();
        List<KeyDestination> targets = resolveDestinations(keyId, request.destinations());
        String policy = request.rotationPolicy() == null ? "default" : request.rotationPolicy();
        rates.check(policy, targets.stream().map(KeyDestination::type).toList());
        ConsumerOverlaps.requireCovered(
                targets,
                policies.overlap(policy),
                position -> "destinations[" + position + "].consumer",
                "rotation policy '" + policy + "'");

        try (KeyMaterial material = format.generate(request.environment(), random)) {
            ApiKey key = ApiKey.pending(
                    keyId,
                    request.name(),
                    request.owner(),
                    request.environment(),
                    new TreeSet<>(request.scopes()),
                    request.description(),
                    now,
                    request.expiresAt(),
                    request.rotationPolicy() == null ? "default" : request.rotationPolicy(),
                    request.allowedSources());
            Instant versionExpiry = key.versionExpiry(policies.keyLifetime(key.rotationPolicy()), now);
            KeyVersion version = KeyVersion.pending(keyId, 1, material, now, versionExpiry);
            SecretPayload payload = SecretPayload.of(key, version);
            Map<UUID, Intent> plans = delivery.plan(targets, payload);
            transactions.executeWithoutResult(status -> {
                keys.add(key, targets);
                versions.add(version, targets, now);
                delivery.recordPlans(version, targets, plans);
                audit.record(actor, "key.issue.started", keyId, Outcome.SUCCESS, describe(key, targets));
            });

            index.accept(key, version);
            VersionDelivery.Confirmation confirmation = VersionDelivery.Confirmation.NONE;
            try {
                confirmation = delivery.deliver(version, targets, payload, material, plans);
            } catch (PathNotManagedException e) {
                refuseUnmanagedPath(version, e, actor);
            } catch (DestinationException e) {
                failIssuance(version, e.ref(), e.getMessage(), actor);
            } catch (RuntimeException e) {
                // a fault of keybridge's own (or of a library) must not leave the key PENDING, holding its name and
                // destination until a restart: it is settled as any failed delivery
                log.error("issuance of key {} failed unexpectedly; revoking it", keyId, e);
                failIssuance(
                        version,
                        refs(targets),
                        "unexpected error (" + e.getClass().getSimpleName() + ")",
                        actor);
            }
            VersionDelivery.Confirmation confirmed = confirmation;
            transactions.executeWithoutResult(status -> {
                delivery.record(confirmed);
                keys.activate(keyId);
                versions.changeState(version.id(), VersionState.ACTIVE, clock.instant());
                audit.record(actor, "key.issue", keyId, Outcome.SUCCESS, "delivered to " + refs(targets));
            });
            delivery.recorded(confirmed);
            log.info(
                    "issued key {} ({}) for {}, delivered to {}",
                    keyId,
                    material.displayPrefix(),
                    key.owner(),
                    refs(targets));
            events.publishEvent(new KeyIssued(
                    keyId, key.rotationPolicy(), now, key.expiresByLifetime(versionExpiry) ? versionExpiry : null));
            return keyId;
        }
    }

    /**
     * The caller named a path that holds a secret keybridge does not manage: the request is refused ({@code 409}) and
     * the key is erased, so nothing but the audit entries remembers it. Should an earlier destination of the same key
     * have been written already and not be cleaned up, the key stays, revoked, until it is.
     */
    private void refuseUnmanagedPath(KeyVersion version, PathNotManagedException cause, String actor) {
        UUID keyId = version.keyId();
        index.revoke(version.hash());
        transactions.executeWithoutResult(status -> {
            keys.revoke(keyId, clock.instant(), "issuance refused: " + cause.getMessage());
            versions.changeState(version.id(), VersionState.REVOKED, clock.instant());
        });
        var leftovers = delivered.removeAll(keyId, SecretDestination.Removal.DISCARD);
        transactions.executeWithoutResult(status -> {
            audit.record(
                    actor,
                    "key.issue",
                    keyId,
                    Outcome.FAILURE,
                    "refused: " + cause.ref() + " holds a secret keybridge does not manage");
            if (leftovers.isEmpty()) {
                keys.forget(keyId);
            }
        });
        throw cause;
    }

    /** Revokes the key first (so it stops verifying), then removes whatever reached a destination. */
    private void failIssuance(KeyVersion version, String ref, String message, String actor) {
        UUID keyId = version.keyId();
        index.revoke(version.hash());
        transactions.executeWithoutResult(status -> {
            keys.revoke(keyId, clock.instant(), "issuance failed: " + message);
            versions.changeState(version.id(), VersionState.REVOKED, clock.instant());
        });
        var leftovers = delivered.removeAll(keyId, SecretDestination.Removal.DISCARD);
        String detail = "delivery to " + ref + " failed: " + message
                + (leftovers.isEmpty() ? "" : "; could not remove from " + leftovers.keySet());
        transactions.executeWithoutResult(status -> audit.record(actor, "key.issue", keyId, Outcome.FAILURE, detail));
        log.warn("issuance of key {} failed; key revoked: {}", keyId, detail);
        throw new DeliveryFailedException(keyId, ref, message);
    }

    private void validate(NewKey request, Instant now) {
        int i = 0;
        for (String scope : request.scopes()) {
            if (!properties.scopes().containsKey(scope)) {
                throw new InvalidKeyRequestException(
                        "scopes[" + i + "]",
                        "unknown-scope",
                        "unknown scope '" + scope + "'; known scopes: "
                                + String.join(
                                        ", ", new TreeSet<>(properties.scopes().keySet())));
            }
            i++;
        }
        if (request.rotationPolicy() != null && !policies.exists(request.rotationPolicy())) {
            throw new InvalidKeyRequestException(
                    "rotationPolicy",
                    "unknown-policy",
                    "no rotation policy named '" + request.rotationPolicy() + "' in the policy folder");
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            throw new InvalidKeyRequestException("expiresAt", "future", "expiresAt must be in the future");
        }
        if (request.expiresAt() != null && request.expiresAt().isAfter(now.plus(properties.maximumLifetime()))) {
            throw new InvalidKeyRequestException(
                    "expiresAt",
                    "maximum",
                    "expiresAt must be at most " + properties.maximumLifetime().toDays()
                            + " days ahead (keybridge.keys.maximum-lifetime)");
        }
    }

    private List<KeyDestination> resolveDestinations(UUID keyId, List<NewKey.Target> requested) {
        List<KeyDestination> resolved = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            NewKey.Target target = requested.get(i);
            String path;
            String ref;
            try {
                SecretDestination destination = destinations.of(target.type());
                path = destination.location(target.fields());
                ref = destination.refFor(path);
            } catch (InvalidDestinationException e) {
                String field = e.field().isEmpty() ? "" : "." + e.field();
                throw new InvalidKeyRequestException("destinations[" + i + "]" + field, e.rule(), e.getMessage());
            }
            if (!seen.add(target.type() + ":" + ref)) {
                throw new InvalidKeyRequestException(
                        "destinations[" + i + "]", "unique-destination", "destination " + ref + " is listed twice");
            }
            resolved.add(new KeyDestination(UUID.randomUUID(), keyId, i, target.type(), path, ref, target.consumer()));
        }
        return resolved;
    }

    private static String refs(List<KeyDestination> targets) {
        return String.join(", ", targets.stream().map(KeyDestination::ref).toList());
    }

    private static String describe(ApiKey key, List<KeyDestination> targets) {
        return "name=" + key.name() + " owner=" + key.owner() + " environment="
                + key.environment().label() + " scopes=" + String.join(" ", key.scopes()) + " destinations="
                + refs(targets);
    }
}
