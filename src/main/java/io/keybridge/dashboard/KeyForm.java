package io.keybridge.dashboard;

import io.keybridge.keys.Environment;
import io.keybridge.lifecycle.web.CreateKeyRequest;
import jakarta.validation.ConstraintViolation;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The create-key form as posted. It becomes the API's own {@link CreateKeyRequest}, so the form and the API accept
 * and refuse exactly the same keys. Destinations come as parallel lists, one entry per row of the form; empty rows
 * are skipped.
 *
 * @param expires a date (UTC midnight) or empty for no expiry
 */
record KeyForm(
        @Nullable String name,
        @Nullable String environment,
        @Nullable List<String> scopes,
        @Nullable String owner,
        @Nullable String description,
        @Nullable String expires,
        @Nullable String rotationPolicy,
        @Nullable List<String> destinationType,
        @Nullable List<String> destinationPath,
        @Nullable String allowedSources,
        @Nullable Map<String, List<String>> destinationFields,
        @Nullable List<String> destinationConsumer,
        @Nullable List<String> destinationRefresh) {

    /** The prefix of the form fields that a destination type adds to each row ({@code destination.region}). */
    static final String FIELD_PREFIX = "destination.";

    static KeyForm empty() {
        return new KeyForm(null, "live", List.of(), null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The form with the fields that destination types add to each row ({@link io.keybridge.delivery.FormField}),
     * taken from the posted parameters: their names are the types' own, so they cannot be record components.
     */
    KeyForm withDestinationFields(Map<String, List<String>> parameters) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        parameters.forEach((name, values) -> {
            if (name.startsWith(FIELD_PREFIX) && fields.size() < io.keybridge.delivery.DestinationFields.MAX_FIELDS) {
                fields.put(name.substring(FIELD_PREFIX.length()), List.copyOf(values));
            }
        });
        return new KeyForm(
                name,
                environment,
                scopes,
                owner,
                description,
                expires,
                rotationPolicy,
                destinationType,
                destinationPath,
                allowedSources,
                fields,
                destinationConsumer,
                destinationRefresh);
    }

    CreateKeyRequest toRequest() {
        return new CreateKeyRequest(
                blankToNull(name),
                environment == null || environment.isBlank() ? null : Environment.of(environment),
                scopes == null ? List.of() : scopes,
                blankToNull(owner),
                blankToNull(description),
                expires == null || expires.isBlank() ? null : expiry(expires),
                blankToNull(rotationPolicy),
                destinations(),
                allowedSources == null || allowedSources.isBlank()
                        ? null
                        : List.of(allowedSources.strip().split("[\\s,]+")));
    }

    /** The type, path and region of row {@code i} of the form, for showing it again. */
    public String type(int i) {
        return at(destinationType, i, i == 0 ? "vault" : "");
    }

    public String path(int i) {
        return at(destinationPath, i, "");
    }

    /** The value of a destination type's own field in row {@code i}, for showing it again. */
    public String field(String name, int i) {
        return at(destinationFields == null ? null : destinationFields.get(name), i, "");
    }

    /** Row {@code i}'s consumer kind ({@code vault-agent}), empty for none, and its refresh interval. */
    public String consumerKind(int i) {
        return at(destinationConsumer, i, "");
    }

    public String consumerRefresh(int i) {
        return at(destinationRefresh, i, "");
    }

    /** Row {@code i}'s consumer as the API takes it, or null when the row names none. */
    private @Nullable Map<String, String> consumer(int i) {
        String kind = consumerKind(i).strip();
        if (kind.isEmpty()) {
            return null;
        }
        Map<String, String> consumer = new LinkedHashMap<>();
        consumer.put("kind", kind);
        String refresh = consumerRefresh(i).strip();
        if (!refresh.isEmpty()) {
            consumer.put("refreshInterval", refresh);
        }
        return consumer;
    }

    public boolean hasScope(String scope) {
        return scopes != null && scopes.contains(scope);
    }

    /** Bean Validation's findings, one message per form field. */
    static Map<String, String> errors(Set<? extends ConstraintViolation<?>> violations) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (ConstraintViolation<?> violation : violations) {
            errors.merge(
                    fieldOf(violation.getPropertyPath().toString()),
                    violation.getMessage(),
                    (first, second) -> first + "; " + second);
        }
        return errors;
    }

    /** The form field an API field belongs to: {@code destinations[1].path} is the destinations block. */
    static String fieldOf(@Nullable String apiField) {
        if (apiField == null || apiField.isEmpty()) {
            return "form";
        }
        if (apiField.startsWith("destinations")) {
            return "destinations";
        }
        if (apiField.startsWith("scopes")) {
            return "scopes";
        }
        return apiField;
    }

    private List<CreateKeyRequest.DestinationRequest> destinations() {
        List<CreateKeyRequest.DestinationRequest> destinations = new ArrayList<>();
        int rows = destinationPath == null ? 0 : destinationPath.size();
        for (int i = 0; i < rows; i++) {
            String path = path(i).strip();
            if (path.isEmpty()) {
                continue;
            }
            int row = i;
            Map<String, @Nullable Object> fields = new LinkedHashMap<>();
            fields.put("path", path);
            if (destinationFields != null) {
                // every row offers every type's fields; a row sends the ones filled in, and its type refuses any it
                // does not have, with a message that names the field
                destinationFields.keySet().forEach(name -> {
                    String value = field(name, row).strip();
                    if (!value.isEmpty()) {
                        fields.put(name, value);
                    }
                });
            }
            destinations.add(new CreateKeyRequest.DestinationRequest(type(i).strip(), fields, consumer(i)));
        }
        return destinations;
    }

    private static java.time.Instant expiry(String date) {
        try {
            return LocalDate.parse(date.strip()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expires must be a date such as 2027-06-30");
        }
    }

    private static String at(@Nullable List<String> values, int i, String otherwise) {
        return values != null && i < values.size() && values.get(i) != null ? values.get(i) : otherwise;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
