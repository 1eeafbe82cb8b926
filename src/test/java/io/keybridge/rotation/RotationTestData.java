package io.keybridge.rotation;

import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.VersionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The values the rotation use cases' unit tests build their collaborators' answers from. */
final class RotationTestData {

    private RotationTestData() {}

    /** keybridge.rotation.* at their defaults: overlaps of 1 h to 30 days, emergency grace up to 1 h. */
    static RotationProperties defaultProperties() {
        return new RotationProperties(
                "classpath:policies/rotation",
                Duration.ofHours(1),
                Duration.ofMinutes(1),
                Duration.ofDays(30),
                Duration.ofHours(1));
    }

    /** Every 7 days, a 2 h overlap, rotated a day before expiry; old versions handled at the store by {@code removal}. */
    static RotationPolicy weekly(RotationPolicy.RevokeAtDestination removal) {
        return new RotationPolicy(
                "weekly",
                Duration.ofDays(7),
                null,
                null,
                Duration.ofHours(2),
                Duration.ofDays(1),
                null,
                removal,
                RotationPolicy.RevokeOldWhen.OVERLAP_ENDS,
                null);
    }

    /** A key on the {@code weekly} policy. */
    static ApiKey key(UUID id, KeyStatus status, Instant createdAt, @Nullable Instant nextRotationAt) {
        return new ApiKey(
                id,
                "crm-sync",
                "revops",
                Environment.LIVE,
                new TreeSet<>(List.of("lists:read")),
                null,
                status,
                createdAt,
                null,
                null,
                null,
                null,
                "weekly",
                nextRotationAt,
                null,
                AllowedSources.ANYWHERE);
    }

    /** Version {@code number} of the key; its hash is of a made-up text, not of a key. */
    static KeyVersion version(
            UUID keyId, int number, VersionState state, Instant createdAt, @Nullable Instant expiresAt) {
        return new KeyVersion(
                UUID.nameUUIDFromBytes((keyId + ":" + number).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                keyId,
                number,
                KeyHash.of("version-" + number + "-of-" + keyId),
                "ee_live_v" + number,
                state,
                createdAt,
                expiresAt,
                null);
    }
}
