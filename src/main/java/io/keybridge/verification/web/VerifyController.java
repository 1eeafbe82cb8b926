package io.keybridge.verification.web;

import io.keybridge.audit.AuditLog;
import io.keybridge.keys.Environment;
import io.keybridge.keys.IpAddresses;
import io.keybridge.verification.KeyVerifier;
import io.keybridge.verification.RefusalLimiter;
import io.keybridge.verification.Verdict;
import io.keybridge.web.ProblemTypes;
import io.swagger.v3.oas.annotations.Parameter;
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
    private final RefusalLimiter limiter;
    private final AuditLog audit;

    VerifyController(KeyVerifier verifier, RefusalLimiter limiter, AuditLog audit) {
        this.verifier = verifier;
        this.limiter = limiter;
        this.audit = audit;
    }

    @PostMapping(path = "/api/v1/verify", produces = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(
            responseCode = "200",
            description = "the key is valid and holds every required scope",
            content = @Content(schema = @Schema(implementation = VerifiedKey.class)))
    @ApiResponse(responseCode = "401", description = "missing, malformed, unknown, revoked or expired key")
    @ApiResponse(
            responseCode = "429",
            description = "too many invalid keys from this client address lately: wait Retry-After seconds")
    @ApiResponse(
            responseCode = "403",
            description = "valid key without a required scope (missingScopes), or presented from an address outside"
                    + " its allowedSources")
    ResponseEntity<?> verify(
            @RequestHeader(name = "X-API-Key", required = false) @Nullable String key,
            @Parameter(description = "the client's address, left-most entry; the body's clientAddress wins")
                    @RequestHeader(name = "X-Forwarded-For", required = false)
                    @Nullable
                    String forwardedFor,
            @RequestBody(required = false) @Nullable VerifyRequest request,
            Authentication caller) {
        Set<String> required = request == null ? Set.of() : request.requiredScopes();
        String source = request != null && request.clientAddress() != null
                ? request.validClientAddress()
                : firstAddress(forwardedFor);
        java.time.Duration wait = limiter.waitFor(source);
        if (!wait.isZero()) {
            audit.recordRefusal(caller.getName(), "verify", null, "too many refusals", "from " + source);
            return tooManyRefusals(wait);
        }
        Verdict verdict = verifier.verify(key, required, caller.getName(), source);
        if (verdict instanceof Verdict.Refused) {
            limiter.refused(source);
        }
        return switch (verdict) {
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
            case Verdict.SourceNotAllowed notAllowed -> {
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                        HttpStatus.FORBIDDEN, "The key may not be used from this address.");
                problem.setType(ProblemTypes.of("source-not-allowed"));
                problem.setTitle("Source not allowed");
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

    private static ResponseEntity<ProblemDetail> tooManyRefusals(java.time.Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.TOO_MANY_REQUESTS,
                "Too many invalid keys were presented from this address; try again in " + seconds + " s.");
        problem.setType(ProblemTypes.of("too-many-refusals"));
        problem.setTitle("Too many refusals");
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header("Retry-After", Long.toString(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** The left-most address of an {@code X-Forwarded-For} list, if it is an address literal. */
    private static @Nullable String firstAddress(@Nullable String forwardedFor) {
        if (forwardedFor == null || forwardedFor.length() > 1000) {
            return null;
        }
        String first = forwardedFor.split(",", 2)[0].strip();
        return IpAddresses.parse(first).map(IpAddresses::canonical).orElse(null);
    }

    private static ProblemDetail invalidKey() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.UNAUTHORIZED, "The API key is missing, malformed, unknown, revoked or expired.");
        problem.setType(ProblemTypes.of("invalid-api-key"));
        problem.setTitle("Invalid API key");
        return problem;
    }

    /**
     * Optional body: the scopes the endpoint being called needs (at most {@value #MAX_SCOPES}), and the client's
     * address for keys with an allow-list. Checked by hand rather
     * than by Bean Validation: this is the hot path, and the check is two comparisons.
     */
    record VerifyRequest(
            @Nullable @Size(max = MAX_SCOPES) List<@Size(min = 1, max = 64) String> scopes,
            @Nullable @Size(max = 45) String clientAddress) {

        static final int MAX_SCOPES = 50;

        /** The client's IPv4 or IPv6 address, as the gateway saw it. */
        @Nullable
        String validClientAddress() {
            if (clientAddress == null) {
                return null;
            }
            return IpAddresses.parse(clientAddress)
                    .map(IpAddresses::canonical)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "clientAddress must be an IPv4 or IPv6 address literal (no host names, no leading zeros)"));
        }

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
