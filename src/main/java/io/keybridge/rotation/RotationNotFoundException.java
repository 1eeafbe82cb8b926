package io.keybridge.rotation;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** No rotation of that id belongs to that key. */
public class RotationNotFoundException extends ProblemException {

    public RotationNotFoundException(UUID keyId, UUID rotationId) {
        super(
                HttpStatus.NOT_FOUND,
                "rotation-not-found",
                "Rotation not found",
                "key " + keyId + " has no rotation " + rotationId);
    }
}
