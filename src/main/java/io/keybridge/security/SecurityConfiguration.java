package io.keybridge.security;

import io.keybridge.audit.AuditLog;
import io.keybridge.web.ProblemResponses;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Who may call what. Stateless: every request carries its bearer token, there are no sessions or cookies, hence no
 * CSRF exposure. Every refusal is answered with problem+json and counted in the audit log.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final String ADMIN = Role.ADMIN.name();
    private static final String RESPONDER = Role.RESPONDER.name();
    private static final String AUDITOR = Role.AUDITOR.name();
    private static final String VERIFIER = Role.VERIFIER.name();

    /**
     * The firewall's refusals (encoded slashes or percent signs, control characters in the URL...) answered like every
     * other error, as problem+json, rather than by the container's error page.
     */
    /** Static: a bean factory post-processor, created before the other beans (and before the database opens). */
    @Bean
    static DataFolderPermissions dataFolderPermissions() {
        return new DataFolderPermissions();
    }

    @Bean
    RequestRejectedHandler problemForRejectedRequests(ProblemResponses problems) {
        return (request, response, e) -> problems.write(
                response,
                HttpStatus.BAD_REQUEST,
                "request-rejected",
                "Request rejected",
                "The URL or a header holds something keybridge never accepts (an encoded slash or percent sign,"
                        + " a control character, a non-normalized path).");
    }

    /**
     * Tomcat would refuse an encoded slash itself, with an HTML page; passed through, Spring Security's firewall
     * refuses it (above), as problem+json.
     */
    @Bean
    TomcatConnectorCustomizer encodedSlashesToTheFirewall() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    @Bean
    SecurityFilterChain api(
            HttpSecurity http,
            ApiTokens tokens,
            ProblemResponses problems,
            AuditLog audit,
            RouteTemplates routes,
            SecurityProperties properties,
            SingleSignOn sso)
            throws Exception {
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> {
            audit.recordRefusal("anonymous", routes.action(request), routes.keyId(request), "unauthenticated");
            boolean gateway = BearerTokenFilter.isGatewayPath(request);
            response.setHeader("WWW-Authenticate", gateway ? "KeybridgeToken" : "Bearer");
            problems.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthenticated",
                    "Authentication required",
                    gateway
                            ? "The gateway must send its VERIFIER token in '" + BearerTokenFilter.GATEWAY_TOKEN
                                    + "' (or present a client certificate keybridge knows)."
                            : "Send a valid token in 'Authorization: Bearer <token>'.");
        };
        AccessDeniedHandler forbidden = (request, response, e) -> {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            audit.recordRefusal(
                    who == null ? "anonymous" : who.getName(),
                    routes.action(request),
                    routes.keyId(request),
                    "forbidden");
            problems.write(
                    response,
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    "Forbidden",
                    "Your token's roles do not allow " + request.getMethod() + " " + request.getRequestURI()
                            + (who != null && who.getAuthorities().isEmpty()
                                    ? " (none of your groups is bound to a keybridge role)."
                                    : "."));
        };
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .x509(x509 -> x509.subjectPrincipalRegex("CN=(.*?)(?:,|$)")
                        .userDetailsService(new ClientCertificates(properties.certificates())))
                .addFilterBefore(
                        new BearerTokenFilter(tokens, sso, unauthenticated), AnonymousAuthenticationFilter.class)
                .exceptionHandling(errors ->
                        errors.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden))
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/health", "/actuator/health/**", "/actuator/info")
                        .permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/error")
                        .permitAll()
                        // signed by the reporter instead of a bearer token: see LeakReportSignature
                        .requestMatchers(HttpMethod.POST, "/api/v1/leak-reports")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/verify")
                        .hasAnyRole(VERIFIER, ADMIN)
                        // forward-auth: any method, since Envoy's HTTP ext_authz asks with the client's own
                        .requestMatchers("/authz", "/authz/**")
                        .hasAnyRole(VERIFIER, ADMIN)
                        .requestMatchers(
                                HttpMethod.GET,
                                "/api/v1/keys",
                                "/api/v1/keys/*",
                                "/api/v1/keys/*/rotations",
                                "/api/v1/keys/*/rotations/*",
                                "/api/v1/scopes")
                        .hasAnyRole(ADMIN, RESPONDER, AUDITOR)
                        .requestMatchers(
                                HttpMethod.POST,
                                "/api/v1/keys/*/revoke",
                                "/api/v1/keys/*/emergency-rotate",
                                "/api/v1/keys/*/suspend")
                        .hasAnyRole(ADMIN, RESPONDER)
                        .requestMatchers(HttpMethod.POST, "/api/v1/emergency-rotations")
                        .hasAnyRole(ADMIN, RESPONDER)
                        .requestMatchers(HttpMethod.GET, "/api/v1/emergency-rotations/*")
                        .hasAnyRole(ADMIN, RESPONDER, AUDITOR)
                        .requestMatchers(
                                HttpMethod.GET,
                                "/api/v1/audit",
                                "/api/v1/audit/verify",
                                "/api/v1/audit/export",
                                "/api/v1/findings",
                                "/api/v1/findings/*",
                                "/api/v1/webhooks/deliveries")
                        .hasAnyRole(ADMIN, RESPONDER, AUDITOR)
                        .requestMatchers(
                                HttpMethod.POST, "/api/v1/findings/*/acknowledge", "/api/v1/findings/*/resolve")
                        .hasAnyRole(ADMIN, RESPONDER)
                        .requestMatchers("/actuator/**")
                        .hasAnyRole(ADMIN, AUDITOR)
                        .anyRequest()
                        .hasRole(ADMIN))
                .build();
    }
}
