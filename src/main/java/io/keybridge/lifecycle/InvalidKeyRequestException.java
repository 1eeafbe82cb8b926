package io.keybridge.lifecycle;

import io.keybridge.web.FieldProblem;
import io.keybridge.web.ProblemException;

/** A request breaks a rule; nothing was changed. */
public class InvalidKeyRequestException extends ProblemException {

    private final String field;
    private final String rule;

    public InvalidKeyRequestException(String field, String rule, String message) {
        super(new FieldProblem(field, rule, message));
        this.field = field;
        this.rule = rule;
    }

    /** The request field at fault, e.g. {@code scopes[1]} or {@code destinations[0].path}. */
    public String field() {
        return field;
    }

    /** A short, stable name of the rule broken, e.g. {@code unknown-scope}. */
    public String rule() {
        return rule;
    }
}
