package io.keybridge.usage;

import java.time.Instant;

/**
 * The version of a key a client address presented last, and when.
 *
 * @param source the client address as the gateway gave it ({@code (not given)} if it gave none)
 */
public record SourceSighting(String source, int version, Instant lastSeenAt) {

    /** The later of two sightings of one source. */
    SourceSighting latest(SourceSighting other) {
        return other.lastSeenAt.isAfter(lastSeenAt) ? other : this;
    }
}
