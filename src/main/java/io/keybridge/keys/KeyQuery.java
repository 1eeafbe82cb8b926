package io.keybridge.keys;

import org.jspecify.annotations.Nullable;

/** Filters for listing keys; a null field does not filter. */
public record KeyQuery(
        @Nullable KeyStatus status,
        @Nullable String owner,
        @Nullable String scope,
        @Nullable Environment environment) {}
