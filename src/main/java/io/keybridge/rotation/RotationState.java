package io.keybridge.rotation;

/** Where a rotation is. Each state is committed before the next external call. */
public enum RotationState {
    /** The new version is recorded and being delivered; the old one still verifies. */
    DELIVERING,
    /** The new version is confirmed everywhere and {@code ACTIVE}; the old one verifies until the overlap ends. */
    OVERLAP,
    /** The old version is revoked; done. */
    COMPLETED,
    /** Delivery failed; the old version still verifies and a retry is scheduled. */
    FAILED
}
