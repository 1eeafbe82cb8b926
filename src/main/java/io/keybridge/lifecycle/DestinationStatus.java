package io.keybridge.lifecycle;

import io.keybridge.keys.DeliveryState;
import org.jspecify.annotations.Nullable;

/** Where a key is, as a consumer would find it, and how its delivery stands. */
public record DestinationStatus(
        String type,
        String ref,
        @Nullable String version,
        DeliveryState state,
        @Nullable String error) {}
