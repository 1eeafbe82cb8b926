package io.keybridge.dashboard;

import io.keybridge.audit.AuditLog;
import io.keybridge.security.Role;
import io.keybridge.security.RouteTemplates;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.web.util.HtmlUtils;

/**
 * The dashboard's own filter chain, ahead of the API's: a session (from {@link SignInController}) instead of a bearer
 * token, and so CSRF protection on every form. The session cookie's flags are set in {@code application.yaml}
 * (HttpOnly, SameSite=Strict; Tomcat adds Secure on TLS requests).
 */
@Configuration(proxyBeanMethods = false)
class DashboardSecurity {

    static final String[] PATHS = {"/", "/login", "/logout", "/ui/**", "/css/**", "/js/**", "/favicon.ico"};

    private static final String ADMIN = Role.ADMIN.name();
    private static final String RESPONDER = Role.RESPONDER.name();
    private static final String AUDITOR = Role.AUDITOR.name();

    @Bean
    SecurityContextRepository dashboardSessions() {
        return new HttpSessionSecurityContextRepository();
    }

    @Bean
    @Order(1)
    SecurityFilterChain dashboard(
            HttpSecurity http, SecurityContextRepository dashboardSessions, AuditLog audit, RouteTemplates routes)
            throws Exception {
        AccessDeniedHandler forbidden = (request, response, e) -> {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            boolean csrf = e instanceof CsrfException;
            audit.recordRefusal(
                    who == null || !who.isAuthenticated() ? "anonymous" : who.getName(),
                    "dashboard " + routes.action(request),
                    null,
                    csrf ? "missing or wrong CSRF token" : "forbidden");
            response.setStatus(403);
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            String why = csrf
                    ? "The form had no valid CSRF token (it may have expired): reload the page and try again."
                    : "Your roles do not allow this.";
            response.getWriter()
                    .write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Forbidden"
                            + "</title><link rel=\"stylesheet\" href=\"/css/dashboard.css\"></head><body><main"
                            + " class=\"narrow\"><h1>Forbidden</h1><p>" + HtmlUtils.htmlEscape(why)
                            + "</p><p><a href=\"/ui/keys\">Back to the API keys</a></p></main></body></html>");
        };
        return http.securityMatcher(PATHS)
                .securityContext(context -> context.securityContextRepository(dashboardSessions))
                .csrf(Customizer.withDefaults())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .requestCache(cache -> cache.disable())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
                                .accessDeniedHandler(forbidden))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")))
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/login", "/css/**", "/js/**", "/favicon.ico")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/ui/keys/new")
                        .hasRole(ADMIN)
                        .requestMatchers(
                                HttpMethod.POST,
                                "/ui/keys",
                                "/ui/keys/*/rename",
                                "/ui/keys/*/policy",
                                "/ui/keys/*/rotate",
                                "/ui/keys/*/resume")
                        .hasRole(ADMIN)
                        .requestMatchers(
                                HttpMethod.POST, "/ui/keys/*/revoke", "/ui/keys/*/emergency-rotate", "/ui/incident")
                        .hasAnyRole(ADMIN, RESPONDER)
                        .requestMatchers(HttpMethod.GET, "/", "/ui/**")
                        .hasAnyRole(ADMIN, RESPONDER, AUDITOR)
                        .anyRequest()
                        .denyAll())
                .build();
    }
}
