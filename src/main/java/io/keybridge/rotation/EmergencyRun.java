package io.keybridge.rotation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A bulk emergency rotation and its progress.
 *
 * @param containedAt when every selected key had stopped verifying (before any re-issue began)
 */
public record EmergencyRun(
        UUID id,
        String actor,
        String reason,
        String selector,
        State state,
        int total,
        Instant startedAt,
        @Nullable Instant containedAt,
        @Nullable Instant finishedAt,
        List<Item> keys) {

    public long revoked() {
        return containedAt == null ? 0 : total;
    }

    public long delivered() {
        return keys.stream().filter(item -> item.outcome() == Outcome.DELIVERED).count();
    }

    public long failed() {
        return keys.stream().filter(item -> item.outcome() == Outcome.FAILED).count();
    }

    public enum State {
        RUNNING,
        COMPLETED
    }

    /** One selected key's outcome: revoked (waiting for its new version), delivered, or failed. */
    public enum Outcome {
        REVOKED,
        DELIVERED,
        FAILED
    }

    public record Item(
            UUID keyId,
            Outcome outcome,
            @Nullable UUID rotationId,
            @Nullable String error) {}
}
