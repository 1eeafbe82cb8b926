package io.keybridge.keys;

/** Progress of one key version at one destination; each state is committed before the next external call. */
public enum DeliveryState {
    /** Intended, nothing written yet (or not known to be). */
    PENDING,
    /** The destination accepted the write; {@code remoteVersion} says which version it created. */
    WRITTEN,
    /** Read back from the destination's metadata: consumers can read it. */
    CONFIRMED,
    /** The write was refused; nothing of this version is at the destination. */
    FAILED,
    /** The version was removed from the destination (after a failed issuance or a revocation). */
    REMOVED,
    /** Removing it failed; the error says why. The secret there no longer verifies. */
    REMOVAL_FAILED
}
