package io.keybridge.delivery;

import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Delivery;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes revoked versions from their destinations, so that no secret store keeps material that no longer verifies.
 * Used after a failed issuance, after a revocation and when recovering an interrupted issuance; each removal is
 * recorded, and removing what is already gone succeeds, so it can be repeated safely.
 */
@Component
public class DeliveredVersions {

    private static final Logger log = LoggerFactory.getLogger(DeliveredVersions.class);
    /** States in which something of the version may be at the destination. */
    private static final Set<DeliveryState> MAY_BE_PRESENT = EnumSet.of(
            DeliveryState.PENDING, DeliveryState.WRITTEN, DeliveryState.CONFIRMED, DeliveryState.REMOVAL_FAILED);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Destinations destinations;
    private final TransactionTemplate transactions;
    private final Clock clock;

    DeliveredVersions(
            ApiKeys keys,
            KeyVersions versions,
            Destinations destinations,
            TransactionTemplate transactions,
            Clock clock) {
        this.transactions = transactions;
        this.keys = keys;
        this.versions = versions;
        this.destinations = destinations;
        this.clock = clock;
    }

    /**
     * Removes every version of the key from every destination it may have reached.
     *
     * @param removal {@code DISCARD} for a key that was never handed out (failed or interrupted issuance),
     *     {@code DESTROY_VERSION} for a revoked key (the secret's history stays at the destination)
     * @return the destinations where removal failed, with the error
     */
    public Map<String, String> removeAll(UUID keyId, SecretDestination.Removal removal) {
        return remove(keyId, versions.ofKey(keyId).stream().map(KeyVersion::id).toList(), removal);
    }

    /**
     * Removes the given versions of the key from every destination they may have reached.
     *
     * @return the destinations where removal failed, with the error
     */
    public Map<String, String> remove(UUID keyId, List<UUID> versionIds, SecretDestination.Removal removal) {
        return remove(keyId, versionIds, removal, false);
    }

    /**
     * Removes a version a rotation delivered to a key that was revoked meanwhile: from every destination it was planned
     * for, whatever its recorded state, since the revocation's own clean-up may have recorded it removed just before the
     * rotation's write landed. Removing what is not there succeeds.
     *
     * @return the destinations where removal failed, with the error
     */
    public Map<String, String> removeWrittenDuringRevocation(UUID keyId, UUID versionId) {
        return remove(keyId, List.of(versionId), SecretDestination.Removal.DESTROY_VERSION, true);
    }

    /** Whether some version of the revoked key may still be at a destination: its clean-up is owed. */
    public boolean cleanupOwed(UUID keyId) {
        return versions
                .deliveriesOf(versions.ofKey(keyId).stream().map(KeyVersion::id).toList())
                .stream()
                .anyMatch(delivery -> MAY_BE_PRESENT.contains(delivery.state()) && delivery.remoteVersion() != null);
    }

    /**
     * Removes the given versions of many keys at once, as a bulk emergency run does: the store calls are made on
     * {@code calls}, concurrently, and their outcomes recorded in one transaction. Recording an outcome after its call
     * is safe here whenever it happens: removing what is already gone succeeds, so should the process stop before the
     * commit, a later removal repeats the calls.
     *
     * @return the destinations where removal failed, with the error, by key (keys without failures are absent)
     */
    public Map<UUID, Map<String, String>> removeEach(
            Map<UUID, List<UUID>> versionsByKey, SecretDestination.Removal removal, Executor calls) {
        List<CompletableFuture<Removed>> removing = new ArrayList<>();
        for (Map.Entry<UUID, List<UUID>> key : versionsByKey.entrySet()) {
            for (Supplier<Removed> step : removals(key.getKey(), key.getValue(), removal, false)) {
                removing.add(CompletableFuture.supplyAsync(step, calls));
            }
        }
        List<Removed> outcomes = removing.stream().map(CompletableFuture::join).toList();
        transactions.executeWithoutResult(status -> outcomes.forEach(this::record));
        Map<UUID, Map<String, String>> failures = new LinkedHashMap<>();
        for (Removed outcome : outcomes) {
            if (outcome.failedAt() != null) {
                failures.computeIfAbsent(outcome.keyId(), k -> new LinkedHashMap<>())
                        .put(outcome.failedAt(), outcome.error());
            }
        }
        return failures;
    }

    private Map<String, String> remove(
            UUID keyId, List<UUID> versionIds, SecretDestination.Removal removal, boolean whateverTheState) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Supplier<Removed> step : removals(keyId, versionIds, removal, whateverTheState)) {
            Removed outcome = step.get();
            record(outcome); // before the next destination's call
            if (outcome.failedAt() != null) {
                failures.put(outcome.failedAt(), outcome.error());
            }
        }
        return failures;
    }

    /** What one removal came to, to be recorded. */
    private record Removed(
            UUID keyId,
            Delivery delivery,
            DeliveryState state,
            @Nullable String error,
            @Nullable String failedAt) {}

    /** The removals the versions need, one per destination that may hold one, each making its store call. */
    private List<Supplier<Removed>> removals(
            UUID keyId, List<UUID> versionIds, SecretDestination.Removal removal, boolean whateverTheState) {
        Map<UUID, KeyDestination> byId =
                keys.destinationsOf(keyId).stream().collect(Collectors.toMap(KeyDestination::id, Function.identity()));
        List<Supplier<Removed>> steps = new ArrayList<>();
        for (Delivery delivery : versions.deliveriesOf(versionIds)) {
            if (delivery.remoteVersion() == null || (!whateverTheState && !MAY_BE_PRESENT.contains(delivery.state()))) {
                continue; // nothing was ever planned there, or it is gone already
            }
            if ((delivery.state() == DeliveryState.PENDING || whateverTheState)
                    && versions.plannedVersionTakenByAnother(delivery)) {
                // a process stopped between planning this write and making it, and a later version got the planned
                // destination version: removing "this" version there would remove that later one, perhaps the key
                // consumers hold now
                Removed neverWritten = new Removed(
                        keyId, delivery, DeliveryState.FAILED, "never written: a later version took its place", null);
                steps.add(() -> neverWritten);
                continue;
            }
            KeyDestination destination = byId.get(delivery.destinationId());
            Intent intent = new Intent(delivery.remoteVersion(), delivery.createdPath());
            steps.add(() -> {
                try {
                    destinations
                            .of(destination.type())
                            .remove(
                                    destination.path(),
                                    intent,
                                    removal,
                                    new SecretDestination.WrittenVersion(keyId, delivery.versionCreatedAt()));
                    return new Removed(keyId, delivery, DeliveryState.REMOVED, null, null);
                } catch (DestinationException e) {
                    log.warn(
                            "could not remove key {} version {} from {}: {}",
                            keyId,
                            intent.remoteVersion(),
                            destination.ref(),
                            e.getMessage());
                    return new Removed(
                            keyId, delivery, DeliveryState.REMOVAL_FAILED, e.getMessage(), destination.ref());
                }
            });
        }
        return steps;
    }

    private void record(Removed outcome) {
        record(outcome.delivery(), outcome.state(), outcome.error());
    }

    private void record(Delivery delivery, DeliveryState state, @Nullable String error) {
        versions.updateDelivery(
                delivery.versionId(),
                delivery.destinationId(),
                state,
                null,
                delivery.createdPath(),
                error,
                clock.instant());
    }
}
