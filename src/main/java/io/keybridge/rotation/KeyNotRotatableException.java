package io.keybridge.rotation;

import java.util.UUID;

/** Only active keys rotate. */
public class KeyNotRotatableException extends RuntimeException {

    public KeyNotRotatableException(UUID keyId, String status) {
        super("key " + keyId + " is " + status + "; only ACTIVE keys rotate");
    }
}
