package io.keybridge.keys;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An active key whose rotation is due, as {@link ApiKeys#dueForRotation} finds it.
 *
 * @param currentVersion its {@code ACTIVE} version, or null if none verifies (contained)
 * @param currentExpiresAt when that version expires, if it does
 */
public record DueKey(
        UUID keyId,
        String rotationPolicy,
        @Nullable Integer currentVersion,
        @Nullable Instant currentExpiresAt) {}
