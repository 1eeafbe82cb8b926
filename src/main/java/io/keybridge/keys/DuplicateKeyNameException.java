package io.keybridge.keys;

import io.keybridge.web.FieldProblem;
import io.keybridge.web.ProblemException;
import java.util.List;
import org.springframework.http.HttpStatus;

/** Another live key of the same owner already has the name. */
public class DuplicateKeyNameException extends ProblemException {

    public DuplicateKeyNameException(String owner, String name) {
        super(
                HttpStatus.CONFLICT,
                "duplicate-name",
                "Name already in use",
                "owner '" + owner + "' already has a live key named '" + name + "'");
        property("errors", List.of(new FieldProblem("name", "unique-per-owner", getMessage())));
    }
}
