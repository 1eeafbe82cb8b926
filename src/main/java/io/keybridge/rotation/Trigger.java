package io.keybridge.rotation;

/** What started a rotation. */
public enum Trigger {
    /** The policy's schedule. */
    SCHEDULED,
    /** The current version's expiry is near ({@code rotateBeforeExpiry}). */
    EXPIRY,
    /** An operator asked ({@code POST /keys/{id}/rotate}). */
    MANUAL,
    /** A responder contained a leak: the old version was revoked first. */
    EMERGENCY
}
