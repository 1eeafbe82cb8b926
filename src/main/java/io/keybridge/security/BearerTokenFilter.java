package io.keybridge.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}; an unknown token is refused at once. On the gateway's paths
 * ({@code /authz/**}) {@code Authorization} is the client's (it may hold the client's key), so the gateway's token comes
 * in {@value #GATEWAY_TOKEN} instead. A bearer token that is no configured token but a JWT is checked as an access
 * token of the identity provider ({@link SingleSignOn}), when single sign-on is on.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    static final String GATEWAY_TOKEN = "X-Keybridge-Token";
    private static final String PREFIX = "Bearer ";

    private final ApiTokens tokens;
    private final SingleSignOn sso;
    private final AuthenticationEntryPoint entryPoint;

    BearerTokenFilter(ApiTokens tokens, SingleSignOn sso, AuthenticationEntryPoint entryPoint) {
        this.tokens = tokens;
        this.sso = sso;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean gateway = isGatewayPath(request);
        String header = request.getHeader(gateway ? GATEWAY_TOKEN : HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiTokens.Caller> caller;
        @Nullable String bearer = null;
        if (gateway) {
            caller = tokens.find(header.strip());
        } else {
            bearer = header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                    ? header.substring(PREFIX.length()).strip()
                    : null;
            caller = bearer == null ? Optional.empty() : tokens.find(bearer);
        }
        if (caller.isEmpty() && bearer != null && sso.looksLikeJwt(bearer)) {
            // a person's access token from the identity provider (the CLI's, a script's): its groups give the roles
            try {
                SecurityContextHolder.getContext().setAuthentication(sso.authenticate(bearer));
            } catch (JwtException e) {
                SecurityContextHolder.clearContext();
                // the reason is the validator's ("expired", "aud claim is not valid"), never the token
                entryPoint.commence(request, response, new BadCredentialsException("access token refused", e));
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        if (caller.isEmpty()) {
            SecurityContextHolder.clearContext();
            entryPoint.commence(request, response, new BadCredentialsException("unknown bearer token"));
            return;
        }
        List<SimpleGrantedAuthority> authorities = caller.get().roles().stream()
                .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                .toList();
        var authentication =
                UsernamePasswordAuthenticationToken.authenticated(caller.get().name(), null, authorities);
        SecurityContextHolder.getContext().setAuthentication(authentication);
        chain.doFilter(request, response);
    }

    static boolean isGatewayPath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals("/authz") || path.startsWith("/authz/");
    }
}
