package io.keybridge.lifecycle.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.keys.Environment;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The syntactic rules of a key request (scope catalog, expiry and paths are checked by KeyIssuer and the destination). */
class CreateKeyRequestValidationTests {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void aTypicalRequestIsValid() {
        assertThat(violations(request("prod_crm_sync_revops", "revops", List.of("lists:read"))))
                .isEmpty();
        assertThat(violations(request("GTM Dialer Production (EU)", "sales@example.com", List.of("lists:read"))))
                .isEmpty();
    }

    @Test
    void namesAndOwnersMustBeShortPrintableAndStartWithALetterOrDigit() {
        assertThat(violations(request("", "revops", List.of("lists:read")))).contains("name");
        assertThat(violations(request("-leading-dash", "revops", List.of("lists:read"))))
                .contains("name");
        assertThat(violations(request("tab\there", "revops", List.of("lists:read"))))
                .contains("name");
        assertThat(violations(request("x".repeat(101), "revops", List.of("lists:read"))))
                .contains("name");
        assertThat(violations(request("ok", "rev ops", List.of("lists:read")))).contains("owner");
        assertThat(violations(request("ok", "", List.of("lists:read")))).contains("owner");
    }

    @Test
    void scopesAndDestinationsAreRequiredAndBounded() {
        assertThat(violations(request("ok", "revops", List.of()))).contains("scopes");
        assertThat(violations(request("ok", "revops", List.of(" ")))).contains("scopes[0].<list element>");
        assertThat(violations(new CreateKeyRequest(
                        "ok", Environment.LIVE, List.of("lists:read"), "revops", null, null, null, List.of(), null)))
                .contains("destinations");
        assertThat(violations(new CreateKeyRequest(
                        "ok",
                        Environment.LIVE,
                        List.of("lists:read"),
                        "revops",
                        "a\u0000b",
                        Instant.now(),
                        null,
                        List.of(new CreateKeyRequest.DestinationRequest("vault", Map.of("path", "a"))),
                        null)))
                .contains("description");
    }

    private Set<String> violations(CreateKeyRequest request) {
        return validator.validate(request).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
                .collect(Collectors.toSet());
    }

    private static CreateKeyRequest request(String name, String owner, List<String> scopes) {
        return new CreateKeyRequest(
                name,
                Environment.LIVE,
                scopes,
                owner,
                null,
                null,
                null,
                List.of(new CreateKeyRequest.DestinationRequest("vault", Map.of("path", "crm-sync/api-key"))),
                null);
    }
}
