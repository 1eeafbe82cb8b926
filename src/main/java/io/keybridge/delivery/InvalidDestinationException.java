package io.keybridge.delivery;

/** A destination in a request is not acceptable (unknown type, bad path); nothing was written. */
public class InvalidDestinationException extends RuntimeException {

    private final String rule;

    public InvalidDestinationException(String rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** A short name of the rule broken, e.g. {@code path-segment}. */
    public String rule() {
        return rule;
    }
}
