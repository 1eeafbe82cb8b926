package io.keybridge.dashboard;

import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.lifecycle.DestinationStatus;
import io.keybridge.lifecycle.KeyDetails;

/** Where a key went and how the consuming service reads it: the command, never the key. */
final class ReadInstructions {

    private ReadInstructions() {}

    /** The destination's own read command; a type no destination serves any more says so rather than guess one. */
    static String of(Destinations destinations, DestinationStatus destination) {
        SecretDestination store = destinations.all().stream()
                .filter(candidate -> candidate.type().equals(destination.type()))
                .findFirst()
                .orElse(null);
        return store == null
                ? "(no destination of type '" + destination.type() + "' is configured to say how to read "
                        + destination.ref() + ")"
                : store.readCommand(destination.ref());
    }

    /** {@code secret/keybridge/crm-sync/api-key version 3, aws:secretsmanager:eu-west-1:crm-sync version …} */
    static String deliveredTo(KeyDetails details) {
        return String.join(
                ", ",
                details.destinations().stream()
                        .map(d -> d.ref() + (d.version() == null ? "" : " version " + d.version()))
                        .toList());
    }
}
