package io.keybridge.keys;

import java.util.UUID;

/** No key has the id. */
public class KeyNotFoundException extends RuntimeException {

    public KeyNotFoundException(UUID id) {
        super("no key with id " + id);
    }
}
