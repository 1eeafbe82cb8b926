package io.keybridge.lifecycle;

import io.keybridge.delivery.DestinationFields;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.Environment;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A request to issue a key, as given by a client (checked by {@link KeyIssuer}). */
public record NewKey(
        String name,
        Environment environment,
        Set<String> scopes,
        String owner,
        @Nullable String description,
        @Nullable Instant expiresAt,
        @Nullable String rotationPolicy,
        List<Target> destinations,
        AllowedSources allowedSources) {

    /** Where to deliver the key: a destination type and a path below keybridge's root there. */
    /** A destination as requested: its type, and the fields that type reads to find where the secret goes. */
    public record Target(String type, DestinationFields fields) {}
}
