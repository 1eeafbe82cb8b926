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
        @Nullable Instant revokedAt) {

    /**
     * A new version of a key, {@code PENDING} until it is confirmed at every destination: the one way issuance and
     * rotation make one. Only the material's hash and display prefix are kept.
     */
    public static KeyVersion pending(
            UUID keyId, int version, KeyMaterial material, Instant createdAt, @Nullable Instant expiresAt) {
        return new KeyVersion(
                UUID.randomUUID(),
                keyId,
                version,
                material.hash(),
                material.displayPrefix(),
                VersionState.PENDING,
                createdAt,
                expiresAt,
                null);
    }
}
