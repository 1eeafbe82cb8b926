package io.keybridge.lifecycle;

import io.keybridge.keys.ConsumerProfile;
import io.keybridge.keys.DeliveryState;
import org.jspecify.annotations.Nullable;

/** Where a key is, as a consumer would find it, how its delivery stands, and how its consumer reads it. */
public record DestinationStatus(
        String type,
        String ref,
        @Nullable String version,
        DeliveryState state,
        @Nullable String error,
        @Nullable ConsumerProfile consumer) {}
