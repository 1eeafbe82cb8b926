package io.keybridge.keys;

import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Filters for listing keys; a null field does not filter. {@code text} matches part of the name, owner or description,
 * ignoring case; {@code attention} keeps only the active keys that need a look; {@code owners}, if given, keeps only
 * those owners' keys.
 */
public record KeyQuery(
        @Nullable KeyStatus status,
        @Nullable String owner,
        @Nullable String scope,
        @Nullable Environment environment,
        @Nullable String text,
        @Nullable Attention attention,
        @Nullable Set<String> owners) {

    public KeyQuery(
            @Nullable KeyStatus status,
            @Nullable String owner,
            @Nullable String scope,
            @Nullable Environment environment,
            @Nullable String text,
            @Nullable Attention attention) {
        this(status, owner, scope, environment, text, attention, null);
    }

    /** Only the keys of {@code owners} (those a caller's owner-scoped bindings reach); none if it is empty. */
    public KeyQuery withinOwners(Set<String> owners) {
        return new KeyQuery(status, owner, scope, environment, text, attention, Set.copyOf(owners));
    }

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
