package io.keybridge.notification;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The events webhooks announce, and the audit actions they are read from. */
final class EventType {

    /** Audit action (successful entries only) to event type. */
    private static final Map<String, String> BY_ACTION = Map.ofEntries(
            Map.entry("key.issue", "key.created"),
            Map.entry("key.rotate.confirmed", "key.rotated"),
            Map.entry("key.rotation-overdue", "key.rotation_overdue"),
            Map.entry("key.revoke", "key.revoked"),
            Map.entry("key.emergency-rotate.revoked", "key.revoked"),
            Map.entry("key.expiring", "key.expiring"),
            Map.entry("finding.raised", "finding.raised"),
            Map.entry("finding.acknowledged", "finding.acknowledged"),
            Map.entry("finding.resolved", "finding.resolved"),
            Map.entry("emergency.completed", "emergency.completed"),
            Map.entry("rotation.stragglers", "rotation.stragglers"));

    static final Set<String> NAMES = Set.copyOf(new TreeSet<>(BY_ACTION.values()));

    private EventType() {}

    static Optional<String> of(String auditAction) {
        return Optional.ofNullable(BY_ACTION.get(auditAction));
    }
}
