package io.keybridge.lifecycle;

import io.keybridge.delivery.DestinationFields;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ConsumerProfile;
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

    /**
     * A destination as requested: its type, the fields that type reads to find where the secret goes, and how its
     * consumer reads it (null: not said).
     */
    public record Target(
            String type, DestinationFields fields, @Nullable ConsumerProfile consumer) {

        public Target(String type, DestinationFields fields) {
            this(type, fields, null);
        }
    }
}
