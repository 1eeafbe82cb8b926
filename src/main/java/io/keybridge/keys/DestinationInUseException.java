package io.keybridge.keys;

import io.keybridge.web.ProblemException;
import java.util.List;
import org.springframework.http.HttpStatus;

/** A destination is already used by another live key: two keys must never overwrite each other's secret. */
public class DestinationInUseException extends ProblemException {

    private final List<String> refs;

    public DestinationInUseException(List<String> refs) {
        super(
                HttpStatus.CONFLICT,
                "destination-in-use",
                "Destination already in use",
                "another live key is already delivered to " + String.join(" or ", refs));
        this.refs = List.copyOf(refs);
    }

    public List<String> refs() {
        return refs;
    }
}
