package io.keybridge.lifecycle;

import java.util.UUID;

/** A key could not be delivered; it was revoked and what had been written was cleaned up. */
public class DeliveryFailedException extends RuntimeException {

    private final UUID keyId;
    private final String destination;

    public DeliveryFailedException(UUID keyId, String destination, String error) {
        super("delivery to " + destination + " failed: " + error);
        this.keyId = keyId;
        this.destination = destination;
    }

    public UUID keyId() {
        return keyId;
    }

    public String destination() {
        return destination;
    }
}
