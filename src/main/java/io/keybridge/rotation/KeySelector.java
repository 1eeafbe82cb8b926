package io.keybridge.rotation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which keys a bulk emergency rotation takes: every {@code ACTIVE} key matching all the criteria given. At least one
 * criterion is required, so that no run takes every key by accident.
 *
 * @param destinationPrefix keys delivered to a reference starting with this, e.g. {@code secret/keybridge/crm/}
 */
public record KeySelector(
        @Nullable String owner,
        @Nullable String scope,
        @Nullable String environment,
        @Nullable String destinationPrefix,
        @Nullable Instant createdBefore,
        @Nullable List<UUID> keyIds) {

    public boolean isEmpty() {
        return owner == null
                && scope == null
                && environment == null
                && destinationPrefix == null
                && createdBefore == null
                && (keyIds == null || keyIds.isEmpty());
    }
}
