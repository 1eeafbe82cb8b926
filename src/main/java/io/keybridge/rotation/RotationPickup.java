package io.keybridge.rotation;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.usage.KeyUsage;
import io.keybridge.usage.SourceSighting;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Reads who has picked a rotation's new version up from the sources {@code /verify} has seen presenting the key
 * ({@link KeyUsage#sourcesOf}): written at each usage flush by every node, and what this node saw since its last one.
 */
@Service
public class RotationPickup {

    /** How far back sources are listed when the key's policy has no {@code drainQuiet}. */
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);

    /** Stragglers the summary names; the list has them all. */
    private static final int NAMED = 3;

    private final KeyUsage usage;
    private final ApiKeys keys;
    private final RotationPolicies policies;
    private final Clock clock;

    public RotationPickup(KeyUsage usage, ApiKeys keys, RotationPolicies policies, Clock clock) {
        this.usage = usage;
        this.keys = keys;
        this.policies = policies;
        this.clock = clock;
    }

    /** The rotation's pickup, or empty for a rotation that made no new version. */
    public Optional<Pickup> of(Rotation rotation) {
        if (rotation.toVersion() == null) {
            return Optional.empty();
        }
        int newVersion = rotation.toVersion();
        Duration window = keys.find(rotation.keyId())
                .map(ApiKey::rotationPolicy)
                .flatMap(policies::find)
                .map(RotationPolicy::drainQuiet)
                .orElse(DEFAULT_WINDOW);
        Instant now = clock.instant();
        List<Pickup.Source> sources = usage.sourcesOf(rotation.keyId(), now.minus(window)).stream()
                .map(seen -> source(seen, newVersion))
                .toList();
        return Optional.of(new Pickup(window, newVersion, sources, summary(sources, newVersion, window, now)));
    }

    private static Pickup.Source source(SourceSighting seen, int newVersion) {
        return new Pickup.Source(seen.source(), seen.version(), seen.lastSeenAt(), seen.version() >= newVersion);
    }

    static String summary(List<Pickup.Source> sources, int newVersion, Duration window, Instant now) {
        if (sources.isEmpty()) {
            return "no source presented the key in the last " + RotationPolicies.readable(window);
        }
        long moved = sources.stream().filter(Pickup.Source::onNewVersion).count();
        StringBuilder summary = new StringBuilder()
                .append(moved)
                .append(" of ")
                .append(sources.size())
                .append(sources.size() == 1 ? " source" : " sources")
                .append(" on version ")
                .append(newVersion);
        List<Pickup.Source> behind =
                sources.stream().filter(source -> !source.onNewVersion()).toList();
        behind.stream()
                .limit(NAMED)
                .forEach(source -> summary.append("; ")
                        .append(source.source())
                        .append(" still on ")
                        .append(source.version())
                        .append(", last seen ")
                        .append(Math.max(
                                0, Duration.between(source.lastSeenAt(), now).toSeconds()))
                        .append(" s ago"));
        if (behind.size() > NAMED) {
            summary.append("; and ").append(behind.size() - NAMED).append(" more");
        }
        return summary.toString();
    }
}
