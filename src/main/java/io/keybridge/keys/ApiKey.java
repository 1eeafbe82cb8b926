package io.keybridge.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An API key as keybridge records it: everything about it except its secret, which is never stored. */
public record ApiKey(
        UUID id,
        String name,
        String owner,
        Environment environment,
        SortedSet<String> scopes,
        @Nullable String description,
        KeyStatus status,
        Instant createdAt,
        @Nullable Instant expiresAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant revokedAt,
        @Nullable String revokeReason,
        String rotationPolicy,
        @Nullable Instant nextRotationAt,
        @Nullable String rotationError,
        AllowedSources allowedSources) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(environment, "environment");
        scopes = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(scopes));
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(rotationPolicy, "rotationPolicy");
        Objects.requireNonNull(allowedSources, "allowedSources");
    }

    /** A new key, {@code PENDING} until it is confirmed at every destination. */
    public static ApiKey pending(
            UUID id,
            String name,
            String owner,
            Environment environment,
            SortedSet<String> scopes,
            @Nullable String description,
            Instant createdAt,
            @Nullable Instant expiresAt,
            String rotationPolicy,
            AllowedSources allowedSources) {
        return new ApiKey(
                id,
                name,
                owner,
                environment,
                scopes,
                description,
                KeyStatus.PENDING,
                createdAt,
                expiresAt,
                null,
                null,
                null,
                rotationPolicy,
                null,
                null,
                allowedSources);
    }

    /** The same key with a last use shown that is not yet written. */
    public ApiKey withLastUsedAt(@Nullable Instant at) {
        return new ApiKey(
                id,
                name,
                owner,
                environment,
                scopes,
                description,
                status,
                createdAt,
                expiresAt,
                at,
                revokedAt,
                revokeReason,
                rotationPolicy,
                nextRotationAt,
                rotationError,
                allowedSources);
    }

    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /**
     * When a version made {@code now} expires: after the rotation policy's {@code keyLifetime}, never past the key's
     * own {@code expiresAt}; null if neither bounds it.
     */
    public @Nullable Instant versionExpiry(@Nullable Duration lifetime, Instant now) {
        Instant byLifetime = lifetime == null ? null : now.plus(lifetime);
        if (expiresAt == null) {
            return byLifetime;
        }
        return byLifetime == null || expiresAt.isBefore(byLifetime) ? expiresAt : byLifetime;
    }

    /**
     * Whether a version expiring then expires by its lifetime, and so is replaced before it expires. A version capped
     * by the key's own {@code expiresAt} is not: its successor would expire then too.
     */
    public boolean expiresByLifetime(@Nullable Instant versionExpiry) {
        return versionExpiry != null && !versionExpiry.equals(expiresAt);
    }
}
