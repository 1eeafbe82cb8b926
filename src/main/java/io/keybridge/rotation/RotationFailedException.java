package io.keybridge.rotation;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** A rotation's new version could not be delivered; the old version still verifies and a retry is scheduled. */
public class RotationFailedException extends ProblemException {

    private final UUID rotationId;
    private final String destination;

    public RotationFailedException(UUID rotationId, String destination, String error) {
        super(
                HttpStatus.BAD_GATEWAY,
                "rotation-failed",
                "Rotation failed",
                "rotation failed: delivery to " + destination + " failed: " + error,
                "rotation failed: delivery to " + destination + " failed: " + error
                        + ". The key's previous version is unchanged; a retry is scheduled.",
                null);
        this.rotationId = rotationId;
        this.destination = destination;
        property("destination", destination);
        property("rotationId", rotationId);
    }

    public UUID rotationId() {
        return rotationId;
    }

    public String destination() {
        return destination;
    }
}
