package io.keybridge.lifecycle;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A key was delivered everywhere and is now {@code ACTIVE}; rotation schedules it.
 *
 * @param versionExpiresAt when version 1 expires by the policy's {@code keyLifetime} (expiry-driven rotation replaces
 *     it before then); null if it lives until the key's own {@code expiresAt} or forever, which no rotation can extend
 */
public record KeyIssued(
        UUID keyId,
        String rotationPolicy,
        Instant issuedAt,
        @Nullable Instant versionExpiresAt) {}
