package io.keybridge.keys;

/** Where a key is in its life. A key is created {@code PENDING}, becomes {@code ACTIVE} once delivered everywhere. */
public enum KeyStatus {
    /** Recorded, not yet confirmed at every destination. */
    PENDING,
    /** Delivered and confirmed; its current version verifies. */
    ACTIVE,
    /**
     * Put aside (unused for long, or by a person): no version verifies, nothing rotates, but an ADMIN can resume it and
     * consumers need nothing new.
     */
    SUSPENDED,
    /** Revoked for good: no version verifies. */
    REVOKED
}
