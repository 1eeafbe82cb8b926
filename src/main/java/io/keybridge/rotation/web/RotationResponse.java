package io.keybridge.rotation.web;

import io.keybridge.lifecycle.DestinationStatus;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.rotation.Rotation;
import io.keybridge.rotation.RotationState;
import io.keybridge.rotation.Trigger;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A rotation as the API shows it, with a report per destination of its new version. */
record RotationResponse(
        UUID id,
        UUID keyId,
        Trigger trigger,
        String actor,
        @Nullable String reason,
        int fromVersion,
        @Nullable Integer toVersion,
        RotationState state,
        String overlap,
        Instant startedAt,
        @Nullable Instant oldRevokedAt,
        @Nullable Instant confirmedAt,
        @Nullable Instant retireAt,
        @Nullable Instant finishedAt,
        @Nullable String error,
        List<DestinationStatus> destinations) {

    /** The rotation, with where its new version went, destination by destination. */
    static RotationResponse of(Rotation r, KeyCatalog catalog) {
        return new RotationResponse(
                r.id(),
                r.keyId(),
                r.trigger(),
                r.actor(),
                r.reason(),
                r.fromVersion(),
                r.toVersion(),
                r.state(),
                r.overlap().toString(),
                r.startedAt(),
                r.oldRevokedAt(),
                r.confirmedAt(),
                r.retireAt(),
                r.finishedAt(),
                r.error(),
                r.toVersionId() == null ? List.of() : catalog.deliveriesOf(r.keyId(), r.toVersionId()));
    }
}
