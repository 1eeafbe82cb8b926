package io.keybridge.delivery;

/**
 * The destination answered, and it does not hold the version keybridge delivered as what consumers read: the secret
 * is gone, the version was deleted, or another writer replaced it. Unlike other {@link DestinationException}s this is
 * an answer, not an outage.
 */
public class VersionNotHeldException extends DestinationException {

    public VersionNotHeldException(String ref, String message) {
        super(ref, message);
    }
}
