package io.keybridge.web;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * An error that knows how it is answered: its status and its RFC 9457 problem (a stable {@code type}, a title, the
 * detail), so that each feature owns its errors and the one handler in {@code web} renders them without knowing any.
 * {@link #getMessage()} stays the plain message, for logs and the audit trail.
 */
public class ProblemException extends ErrorResponseException {

    private final String message;

    /** The detail is the message. */
    protected ProblemException(HttpStatus status, String slug, String title, String message) {
        this(status, slug, title, message, message, null);
    }

    /**
     * @param message what went wrong, for logs
     * @param detail what the client reads: the message and, say, what happened as a result
     */
    protected ProblemException(
            HttpStatus status, String slug, String title, String message, String detail, @Nullable Throwable cause) {
        super(status, Problems.of(status, slug, title, detail), cause);
        this.message = message;
    }

    /** A {@code validation} problem naming the field and the rule broken. */
    protected ProblemException(FieldProblem problem) {
        super(HttpStatus.BAD_REQUEST, Problems.validation(List.of(problem)), null);
        this.message = problem.message();
    }

    /** Adds a property to the problem, e.g. the destination at fault. */
    protected final void property(String name, @Nullable Object value) {
        getBody().setProperty(name, value);
    }

    @Override
    public String getMessage() {
        return message;
    }
}
