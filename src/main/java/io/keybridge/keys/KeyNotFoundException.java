package io.keybridge.keys;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** No key has the id. */
public class KeyNotFoundException extends ProblemException {

    public KeyNotFoundException(UUID id) {
        super(HttpStatus.NOT_FOUND, "key-not-found", "Key not found", "no key with id " + id);
    }
}
