package io.keybridge.rotation;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** Only active keys rotate. */
public class KeyNotRotatableException extends ProblemException {

    public KeyNotRotatableException(UUID keyId, String status) {
        super(
                HttpStatus.CONFLICT,
                "key-not-rotatable",
                "Key cannot be rotated",
                "key " + keyId + " is " + status + "; only ACTIVE keys rotate");
    }
}
