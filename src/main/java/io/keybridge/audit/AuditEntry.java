package io.keybridge.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit trail. {@code detail} is free text for people; it never holds key material.
 *
 * @param occurrences how many identical refusals this entry stands for (refusals are coalesced per second)
 */
public record AuditEntry(
        @Nullable Long id,
        Instant occurredAt,
        String actor,
        String action,
        @Nullable UUID keyId,
        Outcome outcome,
        @Nullable String requestId,
        @Nullable String detail,
        int occurrences) {

    public AuditEntry {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
    }
}
