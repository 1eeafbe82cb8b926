package io.keybridge.delivery;

import io.keybridge.keys.Delivery;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers one key version to its destinations, for issuance and rotation alike: at each destination plan, record the
 * plan, write, record {@code WRITTEN}, confirm, record {@code CONFIRMED} — every outcome committed before the next
 * external call, so that after a crash keybridge knows what may be where. A store whose write's answer confirms it
 * skips the middle step: plan, record, write, record {@code CONFIRMED}.
 */
@Component
public class VersionDelivery {

    private final Destinations destinations;
    private final KeyVersions versions;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    VersionDelivery(
            Destinations destinations,
            KeyVersions versions,
            TransactionTemplate transactions,
            Clock clock,
            ApplicationEventPublisher events) {
        this.destinations = destinations;
        this.versions = versions;
        this.transactions = transactions;
        this.clock = clock;
        this.events = events;
    }

    /**
     * The writes the stores can plan from keybridge's record of what it wrote there, by destination id, without
     * calling them. Recorded with the new version ({@link #recordPlans}), they cost no commit of their own.
     */
    public Map<UUID, Intent> plan(List<KeyDestination> targets, SecretPayload payload) {
        Map<UUID, List<String>> recorded = versions.remoteVersionsAt(
                targets.stream().map(KeyDestination::id).toList());
        Map<UUID, Intent> plans = new HashMap<>();
        for (KeyDestination target : targets) {
            Intent intent = destinations
                    .of(target.type())
                    .planFromRecord(target.path(), payload, recorded.getOrDefault(target.id(), List.of()));
            if (intent != null) {
                plans.put(target.id(), intent);
            }
        }
        return plans;
    }

    /** Records the plans as the new version's intents: in the transaction that adds the version. */
    public void recordPlans(KeyVersion version, List<KeyDestination> targets, Map<UUID, Intent> plans) {
        for (KeyDestination target : targets) {
            Intent intent = plans.get(target.id());
            if (intent != null) {
                record(version, target, DeliveryState.PENDING, intent, null);
            }
        }
    }

    /**
     * Delivers the version everywhere, in order. At a store that plans from keybridge's record and confirms by its
     * write's answer (Vault) this is one call per destination; with the plans recorded beside the version and the last
     * confirmation recorded by the caller beside the activation, a rotation adds no commit of its own.
     *
     * @param recordedPlans what {@link #plan} returned, already recorded ({@link #recordPlans}); a destination
     *     without a plan is read and its plan recorded here
     * @return the last destination's confirmation, not yet recorded: the caller records it ({@link #record}) in the
     *     transaction that activates the version — nothing external happens between the two, and should the process
     *     stop first, the plan left {@code PENDING} is confirmed from the store's metadata as after any crash
     * @throws DestinationException from the first destination that fails; its delivery is recorded {@code FAILED} if
     *     nothing reached it, left at its last recorded step otherwise
     */
    public Confirmation deliver(
            KeyVersion version,
            List<KeyDestination> targets,
            SecretPayload payload,
            KeyMaterial material,
            Map<UUID, Intent> recordedPlans) {
        Confirmation unrecorded = Confirmation.NONE;
        for (KeyDestination target : targets) {
            SecretDestination destination = destinations.of(target.type());
            Intent intent = recordedPlans.get(target.id());
            try {
                boolean fromRecord = intent != null;
                if (intent == null) {
                    intent = destination.prepare(target.path(), payload);
                    record(version, target, DeliveryState.PENDING, intent, null);
                }
                reached(version, StepReached.Step.WRITE_PLANNED);
                try {
                    intent = destination.write(target.path(), intent, payload, material);
                } catch (DestinationException e) {
                    if (!fromRecord || !e.nothingWritten()) {
                        throw e;
                    }
                    // keybridge's record of the secret is stale (another writer, a secret removed or re-created):
                    // read the store, record the new plan over the refused one, and write once more
                    intent = null; // the refused write changed nothing: a failure from here leaves nothing there
                    intent = destination.prepare(target.path(), payload);
                    record(version, target, DeliveryState.PENDING, intent, null);
                    intent = destination.write(target.path(), intent, payload, material);
                }
                if (destination.writeConfirms()) {
                    // a crash before the confirmation commits leaves the plan PENDING: recovery confirms it from
                    // metadata
                    reached(version, StepReached.Step.WRITTEN);
                } else {
                    record(version, target, DeliveryState.WRITTEN, intent, null);
                    reached(version, StepReached.Step.WRITTEN);
                    destination.confirm(target.path(), intent, payload);
                }
                if (target == targets.getLast()) {
                    unrecorded = new Confirmation(version, target, intent);
                } else {
                    // recorded before the next destination's call, as every outcome is
                    record(version, target, DeliveryState.CONFIRMED, intent, null);
                    reached(version, StepReached.Step.CONFIRMED);
                }
            } catch (DestinationException e) {
                if (intent == null || e.nothingWritten()) {
                    record(version, target, DeliveryState.FAILED, intent, e.getMessage());
                }
                throw e;
            }
        }
        return unrecorded;
    }

    /** Records what {@link #deliver} left to its caller: in the caller's transaction (it joins it). */
    public void record(Confirmation confirmation) {
        if (confirmation.target() != null && confirmation.intent() != null && confirmation.version() != null) {
            record(confirmation.version(), confirmation.target(), DeliveryState.CONFIRMED, confirmation.intent(), null);
        }
    }

    /** Announces the confirmation once the caller's transaction has committed it. */
    public void recorded(Confirmation confirmation) {
        if (confirmation.version() != null) {
            reached(confirmation.version(), StepReached.Step.CONFIRMED);
        }
    }

    /**
     * A destination's confirmation that {@link #deliver} leaves for its caller to record.
     *
     * @param version null in {@link #NONE}: nothing to record
     */
    public record Confirmation(
            @Nullable KeyVersion version,
            @Nullable KeyDestination target,
            @Nullable Intent intent) {
        /** Nothing left to record (every confirmation was recorded, as after a recovery). */
        public static final Confirmation NONE = new Confirmation(null, null, null);
    }

    /**
     * Finishes a delivery that a stopped process left half done. The key material is gone with that process, so this
     * can only confirm: it succeeds if every destination already holds the version (as its metadata shows) and records
     * each confirmation.
     *
     * @throws DestinationException if some destination does not hold the version: it was never written there, or the
     *     write's outcome was lost and the destination shows another version
     */
    public void resume(KeyVersion version, List<KeyDestination> targets, SecretPayload payload) {
        Map<UUID, Delivery> deliveries = versions.deliveriesOf(List.of(version.id())).stream()
                .collect(Collectors.toMap(Delivery::destinationId, Function.identity()));
        for (KeyDestination target : targets) {
            SecretDestination destination = destinations.of(target.type());
            Delivery delivery = deliveries.get(target.id());
            if (delivery != null && delivery.state() == DeliveryState.CONFIRMED) {
                continue;
            }
            boolean mayBeThere = delivery != null
                    && delivery.remoteVersion() != null
                    && (delivery.state() == DeliveryState.WRITTEN || delivery.state() == DeliveryState.PENDING);
            if (!mayBeThere) {
                throw new DestinationException(
                        destination.refFor(target.path()), "the version was never written there", null, true);
            }
            Intent intent = new Intent(delivery.remoteVersion(), delivery.createdPath());
            destination.confirm(target.path(), intent, payload);
            record(version, target, DeliveryState.CONFIRMED, intent, null);
            reached(version, StepReached.Step.CONFIRMED);
        }
    }

    private void reached(KeyVersion version, StepReached.Step step) {
        events.publishEvent(new StepReached(version.keyId(), version.id(), version.version(), step));
    }

    private void record(
            KeyVersion version,
            KeyDestination target,
            DeliveryState state,
            @Nullable Intent intent,
            @Nullable String error) {
        transactions.executeWithoutResult(status -> versions.updateDelivery(
                version.id(),
                target.id(),
                state,
                intent == null ? null : intent.remoteVersion(),
                intent != null && intent.createsPath(),
                error,
                clock.instant()));
    }
}
