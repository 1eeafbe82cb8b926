package io.keybridge.lifecycle;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A key was delivered everywhere and is now {@code ACTIVE}; rotation schedules it. */
public record KeyIssued(
        UUID keyId,
        String rotationPolicy,
        Instant issuedAt,
        @Nullable Instant expiresAt) {}
