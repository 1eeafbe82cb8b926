package io.keybridge.lifecycle;

/** The key's status does not allow the change (suspending a revoked key, say): {@code 409}. */
public class KeyStatusConflictException extends RuntimeException {

    public KeyStatusConflictException(String message) {
        super(message);
    }
}
