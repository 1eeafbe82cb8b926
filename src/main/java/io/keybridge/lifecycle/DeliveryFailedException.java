package io.keybridge.lifecycle;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** A key could not be delivered; it was revoked and what had been written was cleaned up. */
public class DeliveryFailedException extends ProblemException {

    private final UUID keyId;
    private final String destination;

    public DeliveryFailedException(UUID keyId, String destination, String error) {
        super(
                HttpStatus.BAD_GATEWAY,
                "delivery-failed",
                "Delivery failed",
                "delivery to " + destination + " failed: " + error,
                "delivery to " + destination + " failed: " + error
                        + ". The key was revoked and anything written was removed; nothing verifies.",
                null);
        this.keyId = keyId;
        this.destination = destination;
        property("destination", destination);
        property("keyId", keyId);
    }

    public UUID keyId() {
        return keyId;
    }

    public String destination() {
        return destination;
    }
}
