package io.keybridge.notification;

import io.keybridge.keys.Environment;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a webhook receives. Never key material: the key is named by id, name, owner and environment, and {@code detail}
 * is the audit entry's text (versions, destinations, reasons).
 *
 * @param id the same for every delivery of this event and every attempt: receivers deduplicate by it
 * @param auditSeq the audit chain position the event was read from
 */
record WebhookEvent(
        UUID id,
        String type,
        Instant occurredAt,
        @Nullable Key key,
        String actor,
        @Nullable String detail,
        long auditSeq) {

    /** The key the event is about. */
    public record Key(UUID id, String name, String owner, Environment environment) {}
}
