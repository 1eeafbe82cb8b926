package io.keybridge.rotation;

import io.keybridge.security.Access;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;

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
        @Nullable List<UUID> keyIds,
        @Nullable Set<String> withinOwners) {

    public KeySelector(
            @Nullable String owner,
            @Nullable String scope,
            @Nullable String environment,
            @Nullable String destinationPrefix,
            @Nullable Instant createdBefore,
            @Nullable List<UUID> keyIds) {
        this(owner, scope, environment, destinationPrefix, createdBefore, keyIds, null);
    }

    /**
     * The same criteria, taking only keys of {@code owners}: what an owner-scoped caller's run may touch. Not a
     * criterion of its own ({@link #isEmpty()} ignores it).
     */
    /**
     * This selector narrowed to the owners the caller's ADMIN or RESPONDER bindings reach; itself if they reach every
     * owner. An owner-scoped responder's bulk run (and its dry run) takes only their owners' keys.
     */
    public KeySelector reachableBy(Authentication caller) {
        return Access.of(caller).owners(Access.RESPOND).map(this::withinOwners).orElse(this);
    }

    public KeySelector withinOwners(Set<String> owners) {
        return new KeySelector(owner, scope, environment, destinationPrefix, createdBefore, keyIds, Set.copyOf(owners));
    }

    public boolean isEmpty() {
        return owner == null
                && scope == null
                && environment == null
                && destinationPrefix == null
                && createdBefore == null
                && (keyIds == null || keyIds.isEmpty());
    }
}
