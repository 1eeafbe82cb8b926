package io.keybridge.keys;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One generation of a key's secret, known by its hash. Version 1 is created with the key; rotations add more. */
public record KeyVersion(
        UUID id,
        UUID keyId,
        int version,
        KeyHash hash,
        String displayPrefix,
        VersionState state,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt) {}
