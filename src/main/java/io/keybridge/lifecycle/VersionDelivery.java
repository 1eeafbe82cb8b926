package io.keybridge.lifecycle;

import io.keybridge.destination.DestinationException;
import io.keybridge.destination.Destinations;
import io.keybridge.destination.Intent;
import io.keybridge.destination.SecretDestination;
import io.keybridge.destination.SecretPayload;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers one key version to its destinations, for issuance and rotation alike: at each destination plan, record the
 * plan, write, record {@code WRITTEN}, confirm, record {@code CONFIRMED} — every outcome committed before the next
 * external call, so that after a crash keybridge knows what may be where.
 */
@Component
public class VersionDelivery {

    private final Destinations destinations;
    private final KeyVersions versions;
    private final TransactionTemplate transactions;
    private final Clock clock;

    VersionDelivery(Destinations destinations, KeyVersions versions, TransactionTemplate transactions, Clock clock) {
        this.destinations = destinations;
        this.versions = versions;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Delivers the version everywhere, in order.
     *
     * @throws DestinationException from the first destination that fails; its delivery is recorded {@code FAILED} if
     *     nothing reached it, left at its last recorded step otherwise
     */
    public void deliver(KeyVersion version, List<KeyDestination> targets, SecretPayload payload, KeyMaterial material) {
        for (KeyDestination target : targets) {
            SecretDestination destination = destinations.of(target.type());
            Intent intent = null;
            try {
                intent = destination.prepare(target.path(), payload);
                record(version, target, DeliveryState.PENDING, intent, null);
                destination.write(target.path(), intent, payload, material);
                record(version, target, DeliveryState.WRITTEN, intent, null);
                destination.confirm(target.path(), intent, payload);
                record(version, target, DeliveryState.CONFIRMED, intent, null);
            } catch (DestinationException e) {
                if (intent == null || e.nothingWritten()) {
                    record(version, target, DeliveryState.FAILED, intent, e.getMessage());
                }
                throw e;
            }
        }
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
