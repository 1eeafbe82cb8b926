package io.keybridge.lifecycle;

/** A request breaks a rule; nothing was changed. */
public class InvalidKeyRequestException extends RuntimeException {

    private final String field;
    private final String rule;

    public InvalidKeyRequestException(String field, String rule, String message) {
        super(message);
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
