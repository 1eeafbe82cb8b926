package io.keybridge.lifecycle.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ConsumerProfile;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyStatus;
import io.keybridge.lifecycle.KeyDetails;
import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A key as the API shows it: everything but the secret, and where the secret went instead. */
record KeyResponse(
        UUID id,
        String name,
        String prefix,
        Environment environment,
        SortedSet<String> scopes,
        String owner,
        @Nullable String description,
        KeyStatus status,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant revokedAt,
        @Nullable String revokeReason,
        String rotationPolicy,
        int currentVersion,
        KeyDetails.RotationStatus rotation,
        @Nullable Instant nextRotationAt,
        @Nullable String rotationError,
        List<String> allowedSources,
        List<Destination> destinations) {

    static KeyResponse of(KeyDetails details) {
        ApiKey key = details.key();
        return new KeyResponse(
                key.id(),
                key.name(),
                details.currentVersion().displayPrefix(),
                key.environment(),
                key.scopes(),
                key.owner(),
                key.description(),
                key.status(),
                key.createdAt(),
                key.expiresAt(),
                key.lastUsedAt(),
                key.revokedAt(),
                key.revokeReason(),
                key.rotationPolicy(),
                details.currentVersion().version(),
                details.rotation(),
                key.nextRotationAt(),
                key.rotationError(),
                key.allowedSources().blocks(),
                details.destinations().stream()
                        .map(d -> new Destination(
                                d.type(), d.ref(), d.version(), d.state(), d.error(), Consumer.of(d.consumer())))
                        .toList());
    }

    /**
     * @param ref what a consumer reads, e.g. {@code secret/keybridge/crm-sync/api-key}
     * @param version the destination's version of the secret (Vault KV version)
     */
    record Destination(
            String type,
            String ref,
            @Nullable String version,
            DeliveryState state,
            @Nullable String error,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            Consumer consumer) {}

    /**
     * How the destination's consumer reads it, and what that implies.
     *
     * @param requiredOverlap the shortest overlap a rotation of this key may have: after a rotation, the old key stays
     *     valid at least this long
     */
    record Consumer(String kind, String refreshInterval, String restartGrace, String requiredOverlap) {

        static @Nullable Consumer of(@Nullable ConsumerProfile profile) {
            return profile == null
                    ? null
                    : new Consumer(
                            profile.kind().label(),
                            profile.refreshInterval().toString(),
                            profile.restartGrace().toString(),
                            profile.requiredOverlap().toString());
        }
    }
}
