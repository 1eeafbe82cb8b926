package io.keybridge.keys;

/** Another live key of the same owner already has the name. */
public class DuplicateKeyNameException extends RuntimeException {

    public DuplicateKeyNameException(String owner, String name) {
        super("owner '" + owner + "' already has a live key named '" + name + "'");
    }
}
