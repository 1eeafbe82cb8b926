package io.keybridge.findings;

import io.keybridge.web.ProblemException;
import java.util.UUID;
import org.springframework.http.HttpStatus;

/** No finding has the id (or its key is out of the caller's reach). */
public class FindingNotFoundException extends ProblemException {

    public FindingNotFoundException(UUID id) {
        super(HttpStatus.NOT_FOUND, "finding-not-found", "Finding not found", "no finding with id " + id);
    }
}
