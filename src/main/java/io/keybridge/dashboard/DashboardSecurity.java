package io.keybridge.dashboard;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.security.Access;
import io.keybridge.security.Role;
import io.keybridge.security.RouteTemplates;
import io.keybridge.security.SingleSignOn;
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
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
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

    static final String[] PATHS = {
        "/", "/login", "/logout", "/ui/**", "/css/**", "/js/**", "/favicon.ico", "/oauth2/**", "/login/oauth2/**"
    };

    private static final String ADMIN = Role.ADMIN.name();
    private static final String RESPONDER = Role.RESPONDER.name();
    private static final String AUDITOR = Role.AUDITOR.name();

    @Bean
    SecurityContextRepository dashboardSessions() {
        return new HttpSessionSecurityContextRepository();
    }

    /**
     * OpenID Connect sign-in (authorization code with PKCE, Spring Security's default), the person's groups mapped to
     * grants by {@link SingleSignOn}; sign-ins and refused sign-ins audited; signing out ends the session at the
     * provider too (RP-initiated logout), then comes back to the sign-in page.
     */
    private static void signInThroughTheProvider(HttpSecurity http, SingleSignOn sso, AuditLog audit) throws Exception {
        OidcClientInitiatedLogoutSuccessHandler providerLogout =
                new OidcClientInitiatedLogoutSuccessHandler(sso.registrations());
        providerLogout.setPostLogoutRedirectUri("{baseUrl}/login?signedOut");
        providerLogout.setDefaultTargetUrl("/login?signedOut");
        http.oauth2Login(login -> login.loginPage("/login")
                        .clientRegistrationRepository(sso.registrations())
                        .userInfoEndpoint(users -> users.oidcUserService(sso.users()))
                        .successHandler((request, response, authentication) -> {
                            if (Access.of(authentication).grants().isEmpty()) {
                                // signed in at the provider, but none of the person's groups is bound to a role
                                audit.recordRefusal(
                                        authentication.getName(), "dashboard.sign-in", null, "no bound group");
                                request.getSession().invalidate();
                                SecurityContextHolder.clearContext();
                                response.sendRedirect(request.getContextPath() + "/login?unbound");
                                return;
                            }
                            audit.record(
                                    authentication.getName(),
                                    "dashboard.sign-in",
                                    null,
                                    Outcome.SUCCESS,
                                    "single sign-on as "
                                            + Access.of(authentication).grants());
                            response.sendRedirect(request.getContextPath() + "/ui/keys");
                        })
                        .failureHandler((request, response, e) -> {
                            // the provider's error code or Spring's, never a token
                            String code = e instanceof OAuth2AuthenticationException oauth
                                    ? oauth.getError().getErrorCode()
                                    : e.getClass().getSimpleName();
                            audit.recordRefusal("anonymous", "dashboard.sign-in", null, "single sign-on: " + code);
                            response.sendRedirect(request.getContextPath() + "/login?failed");
                        }))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(providerLogout));
    }

    @Bean
    @Order(1)
    SecurityFilterChain dashboard(
            HttpSecurity http,
            SecurityContextRepository dashboardSessions,
            AuditLog audit,
            RouteTemplates routes,
            SingleSignOn sso)
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
        if (sso.enabled()) {
            signInThroughTheProvider(http, sso, audit);
        } else {
            http.logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signedOut"));
        }
        // the sign-out form's answer redirects to the provider's logout: form-action must allow its origin
        String formAction = sso.providerOrigin() == null ? "'self'" : "'self' " + sso.providerOrigin();
        return http.securityMatcher(PATHS)
                .securityContext(context -> context.securityContextRepository(dashboardSessions))
                .csrf(Customizer.withDefaults())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .requestCache(cache -> cache.disable())
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"))
                                .accessDeniedHandler(forbidden))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; frame-ancestors 'none'; form-action " + formAction + "; base-uri 'none'")))
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/login", "/css/**", "/js/**", "/favicon.ico", "/oauth2/**", "/login/oauth2/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/ui/keys/new")
                        .hasRole(ADMIN)
                        .requestMatchers(
                                HttpMethod.POST,
                                "/ui/keys",
                                "/ui/keys/*/rename",
                                "/ui/keys/*/policy",
                                "/ui/keys/*/rotate",
                                "/ui/keys/*/resume",
                                "/ui/keys/*/scopes")
                        .hasRole(ADMIN)
                        .requestMatchers(
                                HttpMethod.POST,
                                "/ui/keys/*/revoke",
                                "/ui/keys/*/emergency-rotate",
                                "/ui/incident",
                                "/ui/findings/*/acknowledge",
                                "/ui/findings/*/resolve")
                        .hasAnyRole(ADMIN, RESPONDER)
                        .requestMatchers(HttpMethod.GET, "/", "/ui/**")
                        .hasAnyRole(ADMIN, RESPONDER, AUDITOR)
                        .anyRequest()
                        .denyAll())
                .build();
    }
}
