package io.keybridge.keys;

/** The state of one version of a key's secret (a rotation adds versions). */
public enum VersionState {
    /** Generated and recorded; being delivered. Verifies once delivery has begun. */
    PENDING,
    /** The version consumers should hold. */
    ACTIVE,
    /** Replaced by a newer version but still valid until the overlap ends. */
    RETIRING,
    /** Never valid again. */
    REVOKED;

    /** Whether a key presented with this version's secret may be accepted. */
    public boolean verifies() {
        return this != REVOKED;
    }
}
