package io.keybridge.destination;

/**
 * The destination already holds a secret that keybridge does not manage. Nothing was written: it is the caller's
 * choice of path or name that is wrong, not the destination.
 */
public class PathNotManagedException extends DestinationException {

    public PathNotManagedException(String ref, String message) {
        super(ref, message, null, true);
    }
}
