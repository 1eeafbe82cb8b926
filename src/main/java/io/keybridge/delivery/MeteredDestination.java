package io.keybridge.delivery;

import io.keybridge.keys.KeyMaterial;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Times every call to a destination in {@code keybridge.destination.calls}, tagged by destination type, operation and
 * outcome, so that a slow or failing secret store shows before rotations fall behind.
 */
final class MeteredDestination implements SecretDestination {

    private final SecretDestination destination;
    private final MeterRegistry meters;

    MeteredDestination(SecretDestination destination, MeterRegistry meters) {
        this.destination = destination;
        this.meters = meters;
    }

    @Override
    public String type() {
        return destination.type();
    }

    @Override
    public String displayName() {
        return destination.displayName();
    }

    @Override
    public String location(DestinationFields fields) {
        return destination.location(fields);
    }

    @Override
    public java.util.List<FormField> formFields() {
        return destination.formFields();
    }

    @Override
    public Duration minimumRotationInterval() {
        return destination.minimumRotationInterval();
    }

    @Override
    public String readCommand(String ref) {
        return destination.readCommand(ref);
    }

    @Override
    public String refFor(String path) {
        return destination.refFor(path);
    }

    @Override
    public Intent prepare(String path, SecretPayload payload) {
        return timed("prepare", () -> destination.prepare(path, payload));
    }

    @Override
    public @Nullable Intent planFromRecord(String path, SecretPayload payload, Collection<String> recorded) {
        return destination.planFromRecord(path, payload, recorded); // no call to time
    }

    @Override
    public boolean writeConfirms() {
        return destination.writeConfirms();
    }

    @Override
    public Intent write(String path, Intent intent, SecretPayload payload, KeyMaterial material) {
        return timed("write", () -> destination.write(path, intent, payload, material));
    }

    @Override
    public void confirm(String path, Intent intent, SecretPayload payload) {
        timed("confirm", () -> {
            destination.confirm(path, intent, payload);
            return null;
        });
    }

    @Override
    public void remove(String path, Intent intent, Removal removal, WrittenVersion written) {
        timed("remove", () -> {
            destination.remove(path, intent, removal, written);
            return null;
        });
    }

    @Override
    public void preflight(String path) {
        timed("preflight", () -> {
            destination.preflight(path);
            return null;
        });
    }

    @Override
    public @Nullable String probe() {
        return timed("probe", destination::probe);
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "success";
            return result;
        } finally {
            Timer.builder("keybridge.destination.calls")
                    .description("Calls to secret stores, by destination type, operation and outcome")
                    .tag("type", destination.type())
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .register(meters)
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
