package io.keybridge.delivery;

/** A destination in a request is not acceptable (unknown type, bad path); nothing was written. */
public class InvalidDestinationException extends RuntimeException {

    private final String field;
    private final String rule;

    /** A problem with the destination's location ({@code path}). */
    public InvalidDestinationException(String rule, String message) {
        this("path", rule, message);
    }

    /** A problem with one field of the destination, e.g. {@code region}. */
    public InvalidDestinationException(String field, String rule, String message) {
        super(message);
        this.field = field;
        this.rule = rule;
    }

    /** The request field at fault: {@code path}, {@code type}, or a field of the destination's type. */
    public String field() {
        return field;
    }

    /** A short name of the rule broken, e.g. {@code path-segment}. */
    public String rule() {
        return rule;
    }
}
