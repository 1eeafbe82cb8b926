package io.keybridge.rotation;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** The key is already being rotated; the database allows one delivering rotation per key. */
public class RotationInProgressException extends ProblemException {

    public RotationInProgressException(UUID keyId) {
        super(
                HttpStatus.CONFLICT,
                "rotation-in-progress",
                "Rotation in progress",
                "key " + keyId + " is already being rotated; wait for its new version to be confirmed");
    }
}
