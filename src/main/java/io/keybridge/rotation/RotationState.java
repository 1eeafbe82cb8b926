package io.keybridge.rotation;

/** Where a rotation is. Each state is committed before the next external call. */
public enum RotationState {
    /** The new version is recorded and being delivered; the old one still verifies. */
    DELIVERING,
    /** The new version is confirmed everywhere and {@code ACTIVE}; the old one verifies until the overlap ends. */
    OVERLAP,
    /** The overlap ended and the old versions are revoked; their handling at the destinations is outstanding. */
    REVOKING,
    /** The old versions are revoked and handled at the destinations per policy; done. */
    COMPLETED,
    /** Delivery failed; the old version still verifies and a retry is scheduled. */
    FAILED
}
