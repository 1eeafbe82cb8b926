package io.keybridge.lifecycle;

import io.keybridge.delivery.Destinations;
import java.time.Duration;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * Refuses a rotation policy that would rotate a key faster than one of its destinations supports (AWS advises one
 * write per secret every 10 minutes), when a key is created and when its policy changes.
 */
@Component
class RotationRateCheck {

    private final Destinations destinations;
    private final RotationPolicyLookup policies;

    RotationRateCheck(Destinations destinations, RotationPolicyLookup policies) {
        this.destinations = destinations;
        this.policies = policies;
    }

    /** @throws InvalidKeyRequestException naming the destination type and both intervals */
    void check(String policy, Collection<String> destinationTypes) {
        Duration interval = policies.shortestInterval(policy);
        for (String type : destinationTypes) {
            Duration minimum = destinations.of(type).minimumRotationInterval();
            if (interval.compareTo(minimum) < 0) {
                throw new InvalidKeyRequestException(
                        "rotationPolicy",
                        "too-fast-for-destination",
                        "rotation policy '" + policy + "' rotates as often as every " + interval + "; a " + type
                                + " destination supports at most one rotation every " + minimum);
            }
        }
    }
}
