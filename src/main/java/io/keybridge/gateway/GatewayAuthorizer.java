package io.keybridge.gateway;

import io.keybridge.audit.AuditLog;
import io.keybridge.verification.KeyVerifier;
import io.keybridge.verification.RefusalLimiter;
import io.keybridge.verification.Verdict;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/**
 * Decides a gateway's question, whichever way it was asked (forward-auth over HTTP, Envoy over gRPC): the same
 * in-memory verification as {@code /api/v1/verify}, with the scopes from the gateway's own config or the route table.
 *
 * <p>The key is checked before the route, so that a caller without a valid key learns nothing about the routes; a valid
 * key on a call no route covers is refused ({@code 403 no-route}).
 */
@Service
public class GatewayAuthorizer {

    /** The longest URI considered; gateways themselves refuse longer ones long before (NGINX: 8 KiB). */
    static final int MAX_URI = 8192;

    static final int MAX_SCOPES = 50;

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

    /**
     * Paths in normal form only: no dot segments, no empty segments, no encoded slash, backslash or dot, no control
     * characters. The upstream might read any of those differently from the route table.
     */
    private static final Pattern NOT_NORMALIZED = Pattern.compile(
            "(?i).*(//|/\\./|/\\.\\./|/\\.$|/\\.\\.$|%2f|%5c|%2e|%00|\\\\|[\\x00-\\x1f\\x7f]).*", Pattern.DOTALL);

    private static final Pattern SECRET_SHAPED = Pattern.compile("[A-Za-z0-9_]{16,}");

    private final KeyVerifier verifier;
    private final RefusalLimiter limiter;
    private final RouteTable routes;
    private final AuditLog audit;

    GatewayAuthorizer(KeyVerifier verifier, RefusalLimiter limiter, RouteTable routes, AuditLog audit) {
        this.verifier = verifier;
        this.limiter = limiter;
        this.routes = routes;
        this.audit = audit;
    }

    public AuthzDecision authorize(AuthzCall call) {
        String method = call.method().toUpperCase(Locale.ROOT);
        if (!METHOD.matcher(method).matches()
                || call.uri().length() > MAX_URI
                || !call.uri().startsWith("/")) {
            return AuthzDecision.Deny.of(
                    400,
                    "bad-authz-request",
                    "Bad authorization request",
                    "The gateway must send the client's method (letters only) and URI (starting with /, at most "
                            + MAX_URI + " characters).");
        }
        Set<String> stated = call.statedScopes();
        if (stated != null
                && (stated.size() > MAX_SCOPES || stated.stream().anyMatch(s -> s.isBlank() || s.length() > 64))) {
            return AuthzDecision.Deny.of(
                    400,
                    "bad-authz-request",
                    "Bad authorization request",
                    "The scopes the gateway states must be at most " + MAX_SCOPES
                            + " non-blank names of at most 64 characters.");
        }
        Duration wait = limiter.waitFor(call.source());
        if (!wait.isZero()) {
            audit.recordRefusal(call.caller(), "authz", null, "too many refusals", "from " + call.source());
            return new AuthzDecision.Deny(
                    429,
                    "too-many-refusals",
                    "Too many refusals",
                    "Too many invalid keys were presented from this address; try again later.",
                    java.util.Map.of(),
                    wait);
        }
        String path = call.path();
        Optional<Route> route = stated != null || NOT_NORMALIZED.matcher(path).matches()
                ? Optional.empty()
                : routes.match(method, call.host(), path);
        Set<String> required =
                stated != null ? stated : route.map(Route::scopes).orElse(Set.of());
        Verdict verdict = verifier.verify(call.key(), required, call.caller(), call.source());
        return switch (verdict) {
            case Verdict.Refused refused -> {
                limiter.refused(call.source());
                yield AuthzDecision.Deny.of(
                        401,
                        "invalid-api-key",
                        "Invalid API key",
                        "The API key is missing, malformed, unknown, revoked or expired.");
            }
            case Verdict.MissingScope missing -> AuthzDecision.Deny.missingScopes(missing.missing());
            case Verdict.SourceNotAllowed notAllowed ->
                AuthzDecision.Deny.of(
                        403, "source-not-allowed", "Source not allowed", "The key may not be used from this address.");
            case Verdict.Valid valid -> {
                if (stated == null && route.isEmpty()) {
                    String called = method + " " + abbreviate(path);
                    audit.recordRefusal(call.caller(), "authz", valid.keyId(), "no route", called);
                    yield AuthzDecision.Deny.of(
                            403,
                            "no-route",
                            "No route",
                            "No route of keybridge's route table covers " + method
                                    + " on this path, so no key may call it (paths must be in normal form).");
                }
                yield new AuthzDecision.Allow(valid);
            }
        };
    }

    /**
     * The path for the audit log: printable, at most 200 characters, and with every run of 16 or more letters and
     * digits cut out, since a client may have put a key (or another secret) in its path.
     */
    static String abbreviate(String path) {
        String printable = SECRET_SHAPED
                .matcher(path.replaceAll("[\\x00-\\x1f\\x7f]", "?"))
                .replaceAll("…");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "…";
    }
}
