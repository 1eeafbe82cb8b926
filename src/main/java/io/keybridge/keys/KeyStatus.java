package io.keybridge.keys;

/** Where a key is in its life. A key is created {@code PENDING}, becomes {@code ACTIVE} once delivered everywhere. */
public enum KeyStatus {
    /** Recorded, not yet confirmed at every destination. */
    PENDING,
    /** Delivered and confirmed; its current version verifies. */
    ACTIVE,
    /** Revoked for good: no version verifies. */
    REVOKED
}
