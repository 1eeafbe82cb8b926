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
        @Nullable List<String> destinationRegion,
        @Nullable String allowedSources) {

    static KeyForm empty() {
        return new KeyForm(null, "live", List.of(), null, null, null, null, null, null, null, null);
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

    public String region(int i) {
        return at(destinationRegion, i, "");
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
            String type = type(i).strip();
            String region = region(i).strip();
            boolean aws = "aws".equals(type);
            destinations.add(new CreateKeyRequest.DestinationRequest(
                    type,
                    aws ? null : path,
                    aws ? path : null,
                    region.isEmpty() ? null : region,
                    null,
                    null,
                    null,
                    null));
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
