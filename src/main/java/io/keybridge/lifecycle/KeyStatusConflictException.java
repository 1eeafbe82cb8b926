package io.keybridge.lifecycle;

import io.keybridge.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The key's status does not allow the change (suspending a revoked key, say): {@code 409}. */
public class KeyStatusConflictException extends ProblemException {

    public KeyStatusConflictException(String message) {
        super(HttpStatus.CONFLICT, "key-status-conflict", "Key status does not allow this", message);
    }
}
