package io.keybridge.audit;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Filters for reading the audit trail; a null field does not filter. {@code to} is exclusive. */
public record AuditQuery(
        @Nullable UUID keyId,
        @Nullable String actor,
        @Nullable String action,
        @Nullable Instant from,
        @Nullable Instant to,
        @Nullable Set<String> owners) {

    public AuditQuery(
            @Nullable UUID keyId,
            @Nullable String actor,
            @Nullable String action,
            @Nullable Instant from,
            @Nullable Instant to) {
        this(keyId, actor, action, from, to, null);
    }

    /**
     * Only the entries about keys of {@code owners}: what a caller whose bindings reach only those owners may read (the
     * entries about no key, such as other people's sign-ins, are left out too).
     */
    public AuditQuery withinOwners(Set<String> owners) {
        return new AuditQuery(keyId, actor, action, from, to, Set.copyOf(owners));
    }
}
