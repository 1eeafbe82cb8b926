package io.keybridge.delivery;

/**
 * A destination refused or failed an operation. The message names the destination and says what went wrong in the
 * destination's words; it never contains key material.
 */
public class DestinationException extends RuntimeException {

    private final String ref;
    private final boolean nothingWritten;

    public DestinationException(String ref, String message) {
        this(ref, message, null, false);
    }

    /**
     * @param nothingWritten true only if the destination definitely wrote nothing (e.g. it refused the request), so
     *     there is nothing to clean up; false when the outcome is unknown (e.g. a timeout)
     */
    public DestinationException(String ref, String message, Throwable cause, boolean nothingWritten) {
        super(message, cause);
        this.ref = ref;
        this.nothingWritten = nothingWritten;
    }

    /** Whether the failed operation certainly left nothing at the destination. */
    public boolean nothingWritten() {
        return nothingWritten;
    }

    /** The destination, as consumers know it (e.g. {@code secret/keybridge/crm-sync/api-key}). */
    public String ref() {
        return ref;
    }
}
