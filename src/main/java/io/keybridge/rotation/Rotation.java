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
        @Nullable String error) {

    /** A rotation starting now: it delivers {@code next}, replacing versions up to {@code fromVersion}. */
    static Rotation delivering(
            UUID keyId,
            Trigger trigger,
            String actor,
            @Nullable String reason,
            int fromVersion,
            UUID nextId,
            int next,
            Duration overlap,
            Instant now,
            @Nullable Instant oldRevokedAt) {
        return new Rotation(
                UUID.randomUUID(),
                keyId,
                trigger,
                actor,
                reason,
                fromVersion,
                nextId,
                next,
                RotationState.DELIVERING,
                overlap,
                now,
                oldRevokedAt,
                null,
                null,
                null,
                null);
    }

    /** Whether containment revoked the versions it replaces before it began: then there is no overlap to end. */
    boolean afterContainment() {
        return oldRevokedAt != null;
    }
}
