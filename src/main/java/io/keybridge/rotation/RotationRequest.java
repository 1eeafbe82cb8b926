package io.keybridge.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One rotation asked of {@link RotationRunner}, by whichever use case (schedule, operator, emergency, re-delivery).
 *
 * @param overlapOverride how long the replaced versions stay valid after the confirmation; the policy's if null
 * @param oldRevokedAt when containment revoked the replaced versions, or null if they are still live
 * @param onlyReplacing rotate only if this is still the key's current version when the rotation is recorded (checked
 *     under the key's row lock, which a confirmation takes too); any version if null
 */
record RotationRequest(
        UUID keyId,
        Trigger trigger,
        String actor,
        @Nullable String reason,
        @Nullable Duration overlapOverride,
        @Nullable Instant oldRevokedAt,
        @Nullable Integer onlyReplacing) {}
