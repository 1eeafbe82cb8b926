package io.keybridge.rotation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who has picked a rotation's new version up: each client address seen presenting the key within {@code window},
 * with the version it presented last.
 *
 * @param window how far back sources are listed: the policy's {@code drainQuiet}, else 15 minutes
 * @param newVersion the rotation's new version
 * @param summary e.g. "3 of 4 sources on version 7; 10.1.2.4 still on 6, last seen 40 s ago"
 */
public record Pickup(Duration window, int newVersion, List<Source> sources, String summary) {

    /** One client address and the version it presented last. */
    public record Source(String source, int version, Instant lastSeenAt, boolean onNewVersion) {}

    /** The sources still presenting an older version. */
    public List<Source> stragglers() {
        return sources.stream().filter(source -> source.version() < newVersion).toList();
    }
}
