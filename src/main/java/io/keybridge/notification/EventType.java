package io.keybridge.notification;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The events webhooks announce, and the audit actions they are read from. */
final class EventType {

    /** Audit action (successful entries only) to event type. */
    private static final Map<String, String> BY_ACTION = Map.of(
            "key.issue", "key.created",
            "key.rotate.confirmed", "key.rotated",
            "key.rotation-overdue", "key.rotation_overdue",
            "key.revoke", "key.revoked",
            "key.emergency-rotate.revoked", "key.revoked",
            "key.expiring", "key.expiring",
            "finding.raised", "finding.raised",
            "emergency.completed", "emergency.completed",
            "rotation.stragglers", "rotation.stragglers");

    static final Set<String> NAMES = Set.copyOf(new TreeSet<>(BY_ACTION.values()));

    private EventType() {}

    static Optional<String> of(String auditAction) {
        return Optional.ofNullable(BY_ACTION.get(auditAction));
    }
}
