package io.keybridge.audit;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Filters for reading the audit trail; a null field does not filter. {@code to} is exclusive. */
public record AuditQuery(
        @Nullable UUID keyId,
        @Nullable String actor,
        @Nullable String action,
        @Nullable Instant from,
        @Nullable Instant to) {}
