package io.keybridge.rotation;

import java.util.UUID;

/** The key is already being rotated; the database allows one delivering rotation per key. */
public class RotationInProgressException extends RuntimeException {

    public RotationInProgressException(UUID keyId) {
        super("key " + keyId + " is already being rotated; wait for its new version to be confirmed");
    }
}
