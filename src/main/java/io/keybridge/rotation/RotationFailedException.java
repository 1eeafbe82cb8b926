package io.keybridge.rotation;

import java.util.UUID;

/** A rotation's new version could not be delivered; the old version still verifies and a retry is scheduled. */
public class RotationFailedException extends RuntimeException {

    private final UUID rotationId;
    private final String destination;

    public RotationFailedException(UUID rotationId, String destination, String error) {
        super("rotation failed: delivery to " + destination + " failed: " + error);
        this.rotationId = rotationId;
        this.destination = destination;
    }

    public UUID rotationId() {
        return rotationId;
    }

    public String destination() {
        return destination;
    }
}
