package io.keybridge.notification;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One event's delivery to one endpoint, as the delivery log shows it.
 *
 * @param lastStatus the HTTP status of the last attempt, if the endpoint answered
 */
public record WebhookDelivery(
        UUID id,
        UUID eventId,
        String eventType,
        String endpoint,
        @Nullable UUID keyId,
        Status status,
        int attempts,
        Instant createdAt,
        Instant nextAttemptAt,
        @Nullable Instant lastAttemptAt,
        @Nullable Integer lastStatus,
        @Nullable String lastError,
        @Nullable Instant deliveredAt) {

    /** Where a delivery stands. */
    public enum Status {
        /** Not yet delivered; attempted again at {@code nextAttemptAt}. */
        PENDING,
        /** The endpoint answered 2xx. */
        DELIVERED,
        /** Every attempt failed; nothing more is tried. */
        FAILED
    }
}
