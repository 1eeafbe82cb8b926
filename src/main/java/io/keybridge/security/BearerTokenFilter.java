package io.keybridge.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>}; an unknown token is refused at once. On the gateway's paths
 * ({@code /authz/**}) {@code Authorization} is the client's (it may hold the client's key), so the gateway's token comes
 * in {@value #GATEWAY_TOKEN} instead.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    static final String GATEWAY_TOKEN = "X-Keybridge-Token";
    private static final String PREFIX = "Bearer ";

    private final ApiTokens tokens;
    private final AuthenticationEntryPoint entryPoint;

    BearerTokenFilter(ApiTokens tokens, AuthenticationEntryPoint entryPoint) {
        this.tokens = tokens;
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
        if (gateway) {
            caller = tokens.find(header.strip());
        } else {
            caller = header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                    ? tokens.find(header.substring(PREFIX.length()).strip())
                    : Optional.empty();
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
