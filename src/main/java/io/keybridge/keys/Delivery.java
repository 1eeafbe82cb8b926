package io.keybridge.keys;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What keybridge knows of one key version at one destination.
 *
 * @param remoteVersion the destination's own version id of the write (Vault KV version number)
 * @param createdPath whether this write created the secret at the destination (so cleanup may remove it whole)
 * @param versionCreatedAt when the version was created, before any write of it was planned
 */
public record Delivery(
        UUID versionId,
        UUID destinationId,
        DeliveryState state,
        @Nullable String remoteVersion,
        boolean createdPath,
        @Nullable String error,
        Instant updatedAt,
        Instant versionCreatedAt) {}
