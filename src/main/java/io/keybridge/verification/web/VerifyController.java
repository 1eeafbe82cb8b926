package io.keybridge.verification.web;

import io.keybridge.keys.Environment;
import io.keybridge.verification.KeyVerifier;
import io.keybridge.verification.Verdict;
import io.keybridge.web.ProblemTypes;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tells the gateway whether a presented key may call an endpoint: {@code 200} with who it is, {@code 401} for any
 * key that is not valid (one body for every reason, so callers learn nothing about keys they do not hold), {@code 403}
 * for a valid key without a required scope.
 */
@RestController
class VerifyController {

    private static final ProblemDetail INVALID_KEY = invalidKey();

    private final KeyVerifier verifier;

    VerifyController(KeyVerifier verifier) {
        this.verifier = verifier;
    }

    @PostMapping(path = "/api/v1/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(
            responseCode = "200",
            description = "the key is valid and holds every required scope",
            content = @Content(schema = @Schema(implementation = VerifiedKey.class)))
    @ApiResponse(responseCode = "401", description = "missing, malformed, unknown, revoked or expired key")
    @ApiResponse(responseCode = "403", description = "valid key without a required scope (missingScopes)")
    ResponseEntity<?> verify(
            @RequestHeader(name = "X-API-Key", required = false) @Nullable String key,
            @RequestBody(required = false) @Nullable VerifyRequest request,
            Authentication caller) {
        Set<String> required = request == null ? Set.of() : request.requiredScopes();
        return switch (verifier.verify(key, required, caller.getName())) {
            case Verdict.Valid valid ->
                ResponseEntity.ok(new VerifiedKey(
                        valid.keyId(),
                        valid.name(),
                        valid.owner(),
                        valid.environment(),
                        new TreeSet<>(valid.scopes()),
                        valid.expiresAt()));
            case Verdict.MissingScope missing -> {
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                        HttpStatus.FORBIDDEN, "The key lacks scopes this endpoint needs: " + missing.missing());
                problem.setType(ProblemTypes.of("missing-scope"));
                problem.setTitle("Missing scope");
                problem.setProperty("missingScopes", missing.missing());
                yield ResponseEntity.status(HttpStatus.FORBIDDEN)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(problem);
            }
            case Verdict.Refused refused ->
                ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(INVALID_KEY);
        };
    }

    private static ProblemDetail invalidKey() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.UNAUTHORIZED, "The API key is missing, malformed, unknown, revoked or expired.");
        problem.setType(ProblemTypes.of("invalid-api-key"));
        problem.setTitle("Invalid API key");
        return problem;
    }

    /**
     * Optional body: the scopes the endpoint being called needs (at most {@value #MAX_SCOPES}). Checked by hand rather
     * than by Bean Validation: this is the hot path, and the check is two comparisons.
     */
    record VerifyRequest(@Nullable @Size(max = MAX_SCOPES) List<@Size(min = 1, max = 64) String> scopes) {

        static final int MAX_SCOPES = 50;

        Set<String> requiredScopes() {
            if (scopes == null) {
                return Set.of();
            }
            if (scopes.size() > MAX_SCOPES) {
                throw new IllegalArgumentException("scopes must list at most " + MAX_SCOPES + " scopes");
            }
            for (String scope : scopes) {
                if (scope == null || scope.isBlank() || scope.length() > 64) {
                    throw new IllegalArgumentException("scopes must be non-blank names of at most 64 characters");
                }
            }
            return Set.copyOf(scopes);
        }
    }

    /** Who the key belongs to and what it may do. */
    record VerifiedKey(
            UUID keyId,
            String name,
            String owner,
            Environment environment,
            Set<String> scopes,
            @Nullable Instant expiresAt) {}
}
