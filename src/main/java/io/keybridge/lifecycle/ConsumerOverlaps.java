package io.keybridge.lifecycle;

import io.keybridge.keys.ConsumerProfile;
import io.keybridge.keys.KeyDestination;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The rule that an old key outlives its consumers' refreshes: a rotation's overlap is at least {@code 2 x
 * refreshInterval + restartGrace} of every consumer of the key's destinations ({@link ConsumerProfile}). A
 * destination without a profile sets no bound (the global {@code keybridge.rotation.minimum-overlap} still does).
 */
public final class ConsumerOverlaps {

    private ConsumerOverlaps() {}

    /**
     * Refuses an overlap that leaves a consumer behind.
     *
     * @param field the request field at fault, for the problem's {@code errors}, from the destination's position
     * @param overlapFrom what gives the overlap, for the message ("rotation policy 'fast'", "the requested overlap")
     * @throws InvalidKeyRequestException naming the destination, its consumer and the shortest overlap that works
     */
    public static void requireCovered(
            List<KeyDestination> destinations, Duration overlap, IntFunction<String> field, String overlapFrom) {
        for (KeyDestination destination : destinations) {
            ConsumerProfile consumer = destination.consumer();
            if (consumer != null && overlap.compareTo(consumer.requiredOverlap()) < 0) {
                throw new InvalidKeyRequestException(
                        field.apply(destination.position()),
                        "consumer-overlap",
                        "destination " + destination.ref() + " is read by " + consumer.describe()
                                + ": its old key must stay valid for at least " + consumer.requiredOverlap()
                                + " (2 x refreshInterval + restartGrace) after the new one is delivered, but "
                                + overlapFrom + " gives " + overlap + "; the shortest overlap that works is "
                                + shortestOverlap(destinations));
            }
        }
    }

    /** The shortest overlap every consumer of these destinations can live with; zero if none has a profile. */
    public static Duration shortestOverlap(List<KeyDestination> destinations) {
        return destinations.stream()
                .map(KeyDestination::consumer)
                .filter(Objects::nonNull)
                .map(ConsumerProfile::requiredOverlap)
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }

    /** The longest refresh interval of these destinations' consumers; zero if none has a profile. */
    public static Duration longestRefresh(List<KeyDestination> destinations) {
        return destinations.stream()
                .map(KeyDestination::consumer)
                .filter(Objects::nonNull)
                .map(ConsumerProfile::refreshInterval)
                .max(Duration::compareTo)
                .orElse(Duration.ZERO);
    }
}
