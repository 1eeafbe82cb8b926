package io.keybridge.keys;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing keys; a null field does not filter. {@code text} matches part of the name, owner or description,
 * ignoring case; {@code attention} keeps only the active keys that need a look.
 */
public record KeyQuery(
        @Nullable KeyStatus status,
        @Nullable String owner,
        @Nullable String scope,
        @Nullable Environment environment,
        @Nullable String text,
        @Nullable Attention attention) {

    public KeyQuery(
            @Nullable KeyStatus status,
            @Nullable String owner,
            @Nullable String scope,
            @Nullable Environment environment) {
        this(status, owner, scope, environment, null, null);
    }

    /**
     * Active keys whose rotation is overdue, or unused (or, never used, created) before {@code dormantBefore}, or
     * expiring before {@code expiringBefore}.
     */
    public record Attention(Instant dormantBefore, Instant expiringBefore) {}
}
