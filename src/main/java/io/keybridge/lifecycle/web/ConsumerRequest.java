package io.keybridge.lifecycle.web;

import io.keybridge.keys.ConsumerProfile;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A destination's {@code consumer} as a client sent it ({@code {"kind": "vault-agent", "refreshInterval": "PT1M"}}),
 * checked into a {@link ConsumerProfile}. Each fault is a 400 naming the field; no message echoes a value.
 */
final class ConsumerRequest {

    private static final Set<String> FIELDS = Set.of("kind", "refreshInterval", "restartGrace");

    private ConsumerRequest() {}

    /** The profile, or null when the destination has none. */
    static @Nullable ConsumerProfile profile(String field, @Nullable Object consumer) {
        if (consumer == null) {
            return null;
        }
        if (!(consumer instanceof Map<?, ?> given)) {
            throw new InvalidKeyRequestException(
                    field, "object", "consumer is an object, e.g. {\"kind\": \"vault-agent\"}");
        }
        for (Object name : given.keySet()) {
            if (!FIELDS.contains(String.valueOf(name))) {
                throw new InvalidKeyRequestException(
                        field, "unknown-field", "a consumer has kind, refreshInterval and restartGrace only");
            }
        }
        if (!(given.get("kind") instanceof String kind)) {
            throw new InvalidKeyRequestException(
                    field + ".kind", "required", "consumer.kind is one of " + ConsumerProfile.Kind.labels());
        }
        ConsumerProfile.Kind known;
        try {
            known = ConsumerProfile.Kind.of(kind);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyRequestException(field + ".kind", "unknown-kind", e.getMessage());
        }
        Duration refresh = duration(field + ".refreshInterval", given.get("refreshInterval"));
        Duration grace = duration(field + ".restartGrace", given.get("restartGrace"));
        try {
            return ConsumerProfile.of(known, refresh, grace);
        } catch (IllegalArgumentException e) {
            String which = e.getMessage().startsWith("restartGrace") ? ".restartGrace" : ".refreshInterval";
            throw new InvalidKeyRequestException(field + which, "bounds", e.getMessage());
        }
    }

    private static @Nullable Duration duration(String field, @Nullable Object value) {
        if (value == null) {
            return null;
        }
        try {
            if (value instanceof String text) {
                return Duration.parse(text);
            }
        } catch (DateTimeParseException e) {
            // the same answer as a value of the wrong type
        }
        throw new InvalidKeyRequestException(field, "duration", "an ISO-8601 duration, e.g. PT5M");
    }
}
