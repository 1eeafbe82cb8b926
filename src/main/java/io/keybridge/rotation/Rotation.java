package io.keybridge.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One rotation of one key, as recorded. */
public record Rotation(
        UUID id,
        UUID keyId,
        Trigger trigger,
        String actor,
        @Nullable String reason,
        int fromVersion,
        @Nullable UUID toVersionId,
        @Nullable Integer toVersion,
        RotationState state,
        Duration overlap,
        Instant startedAt,
        @Nullable Instant oldRevokedAt,
        @Nullable Instant confirmedAt,
        @Nullable Instant retireAt,
        @Nullable Instant finishedAt,
        @Nullable String error) {}
