package io.keybridge.gateway.web;

import io.keybridge.gateway.AuthzCall;
import io.keybridge.gateway.AuthzDecision;
import io.keybridge.gateway.ClientRequestHeaders;
import io.keybridge.gateway.GatewayAuthorizer;
import io.keybridge.web.ProblemTypes;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Forward-auth: a gateway asks, with no body, whether the call it holds may go on.
 *
 * <ul>
 *   <li>{@code /authz}: the client's method and URI come in {@code X-Forwarded-Method}/{@code X-Forwarded-Uri}
 *       (Traefik, Caddy) or {@code X-Original-Method}/{@code X-Original-URI} (NGINX), its host in
 *       {@code X-Forwarded-Host}. The query string is the gateway's own config: {@code scopes=a,b} states the scopes
 *       the call needs (instead of the route table), {@code gateway=nginx} answers the guess limit as {@code 401} with
 *       {@code X-Keybridge-Status: 429}, because NGINX's {@code auth_request} turns any other status into a 500.
 *   <li>{@code /authz/<path>}: the call itself, under the prefix (Envoy's HTTP ext_authz {@code path_prefix}); the
 *       query string is the client's and is not read.
 * </ul>
 *
 * Allowed: {@code 200} and the identity headers ({@link AuthzDecision}). Refused: {@code 401}, {@code 403} or
 * {@code 429} with problem+json. The gateway authenticates with its VERIFIER token in {@code X-Keybridge-Token} or a
 * client certificate, never in {@code Authorization}, which is the client's.
 */
@RestController
class ForwardAuthController {

    static final String PREFIX = "/authz";

    private final GatewayAuthorizer authorizer;
    private final ClientRequestHeaders headers;
    private final JsonMapper json;

    ForwardAuthController(GatewayAuthorizer authorizer, ClientRequestHeaders headers, JsonMapper json) {
        this.authorizer = authorizer;
        this.headers = headers;
        this.json = json;
    }

    @RequestMapping(PREFIX + "/**")
    ResponseEntity<?> authorize(HttpServletRequest request, Authentication caller) {
        String requestUri = request.getRequestURI();
        boolean underPrefix = requestUri.length() > PREFIX.length() + 1;
        String method;
        String uri;
        String host;
        Set<String> stated = null;
        boolean nginx = false;
        if (underPrefix) {
            method = request.getMethod();
            uri = requestUri.substring(PREFIX.length());
            host = request.getHeader(HttpHeaders.HOST);
        } else {
            method = first(request.getHeader("X-Forwarded-Method"), request.getHeader("X-Original-Method"));
            uri = first(request.getHeader("X-Forwarded-Uri"), request.getHeader("X-Original-URI"));
            host = first(request.getHeader("X-Forwarded-Host"), request.getHeader("X-Original-Host"));
            String query = request.getQueryString();
            if (query != null && uri != null && uri.endsWith("?" + query)) {
                // the gateway passed the client's own query string on to /authz (Caddy's forward_auth does when its
                // uri names no query): it could then state scopes for the client. Refused until the config is fixed.
                return problem(
                        AuthzDecision.Deny.of(
                                400,
                                "bad-authz-request",
                                "Bad authorization request",
                                "The query string of /authz is the client's own: the gateway passes it on. Give the"
                                        + " gateway's authorization URI a query of its own (e.g. /authz?gateway=caddy)."),
                        false);
            }
            stated = AuthzCall.statedScopes(request.getParameter("scopes"));
            nginx = "nginx".equals(request.getParameter("gateway"));
            if (method == null || uri == null) {
                return problem(
                        AuthzDecision.Deny.of(
                                400,
                                "bad-authz-request",
                                "Bad authorization request",
                                "The gateway sent no client method and URI: X-Forwarded-Method and X-Forwarded-Uri"
                                        + " (or X-Original-Method and X-Original-URI) are needed on /authz."),
                        false);
            }
        }
        ClientRequestHeaders.PresentedKey key = headers.key(request::getHeader);
        String source = headers.source(Collections.list(request.getHeaders(headers.addressHeader())));
        AuthzDecision decision = authorizer.authorize(
                new AuthzCall(method, host, uri, key == null ? null : key.value(), source, stated, caller.getName()));
        if (decision instanceof AuthzDecision.Allow allow) {
            ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
            allow.headers().forEach(ok::header);
            if (underPrefix && key != null) {
                // Envoy's HTTP ext_authz removes the headers this names before the call goes upstream
                ok.header("X-Envoy-Auth-Headers-To-Remove", key.header());
            }
            return ok.build();
        }
        return problem((AuthzDecision.Deny) decision, nginx);
    }

    private ResponseEntity<ProblemDetail> problem(AuthzDecision.Deny deny, boolean nginx) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(deny.status()), deny.detail());
        problem.setType(ProblemTypes.of(deny.type()));
        problem.setTitle(deny.title());
        deny.properties().forEach(problem::setProperty);
        int status = deny.status() == 429 && nginx ? 401 : deny.status();
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .header("X-Keybridge-Status", Integer.toString(deny.status()));
        if (deny.status() == 401) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey");
        }
        if (deny.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(deny.retryAfterSeconds()));
        }
        if (nginx) {
            // auth_request drops the body of the answer: the problem travels in a header, which the shipped
            // nginx.conf sends the client as the body
            response.header("X-Keybridge-Problem", ascii(json.writeValueAsString(problem)));
        }
        return response.body(problem);
    }

    /** JSON with every character outside printable ASCII escaped, fit for a header value. */
    private static String ascii(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (char c : json.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    private static @Nullable String first(@Nullable String a, @Nullable String b) {
        return a != null ? a : b;
    }
}
