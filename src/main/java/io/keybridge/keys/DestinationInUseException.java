package io.keybridge.keys;

import java.util.List;

/** A destination is already used by another live key: two keys must never overwrite each other's secret. */
public class DestinationInUseException extends RuntimeException {

    private final List<String> refs;

    public DestinationInUseException(List<String> refs) {
        super("another live key is already delivered to " + String.join(" or ", refs));
        this.refs = List.copyOf(refs);
    }

    public List<String> refs() {
        return refs;
    }
}
