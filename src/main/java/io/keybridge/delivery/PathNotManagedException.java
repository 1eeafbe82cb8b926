package io.keybridge.delivery;

import io.keybridge.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;

/**
 * The destination already holds a secret that keybridge does not manage. Nothing was written: it is the caller's
 * choice of path or name that is wrong, not the destination.
 */
public class PathNotManagedException extends DestinationException implements ErrorResponse {

    private final ProblemDetail problem;

    public PathNotManagedException(String ref, String message) {
        super(ref, message, null, true);
        this.problem = Problems.of(
                HttpStatus.CONFLICT,
                "path-not-managed",
                "Destination holds another secret",
                ref + " already holds a secret that keybridge does not manage; nothing was written and no key was"
                        + " created. Choose another path or name.");
        problem.setProperty("destination", ref);
    }

    @Override
    public HttpStatusCode getStatusCode() {
        return HttpStatus.CONFLICT;
    }

    @Override
    public ProblemDetail getBody() {
        return problem;
    }
}
