package io.keybridge.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The configured destinations, by type. */
@Component
public class Destinations {

    private final Map<String, SecretDestination> byType = new TreeMap<>();

    public Destinations(List<SecretDestination> destinations, MeterRegistry meters) {
        destinations.forEach(
                destination -> byType.put(destination.type(), new MeteredDestination(destination, meters)));
    }

    /** Every configured destination type. */
    public Collection<SecretDestination> all() {
        return byType.values();
    }

    /**
     * The destination of the type.
     *
     * @throws InvalidDestinationException naming the known types
     */
    public SecretDestination of(String type) {
        SecretDestination destination = byType.get(type);
        if (destination == null) {
            throw new InvalidDestinationException(
                    "type", "destination-type", "type must be one of " + String.join(", ", byType.keySet()));
        }
        return destination;
    }
}
