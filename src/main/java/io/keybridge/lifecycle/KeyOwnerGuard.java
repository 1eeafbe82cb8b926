package io.keybridge.lifecycle;

import io.keybridge.security.KeyAccess;
import io.keybridge.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Owner-scoped bindings on every route of one key, API and dashboard alike ({@code /api/v1/keys/{id}/**},
 * {@code /ui/keys/{id}/**}): reading another owner's key is {@code 404}, acting on it {@code 403} (see
 * {@link KeyAccess}). It runs before the handler reads the request body, so a refusal does not depend on whether
 * the body was valid, and a route added later is covered without a line of its own.
 */
@Configuration(proxyBeanMethods = false)
class KeyOwnerGuard implements WebMvcConfigurer, HandlerInterceptor {

    /** The actions a RESPONDER may take (the filter chains' role rules say the same). */
    private static final Set<String> RESPONDER_ACTIONS = Set.of("revoke", "suspend", "emergency-rotate");

    private final KeyAccess access;

    KeyOwnerGuard(KeyAccess access) {
        this.access = access;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this)
                .addPathPatterns("/api/v1/keys/*", "/api/v1/keys/*/**", "/ui/keys/*", "/ui/keys/*/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        UUID keyId = keyId(request);
        if (caller == null || keyId == null) {
            return true;
        }
        if (request.getMethod().equals("GET") || request.getMethod().equals("HEAD")) {
            access.requireReadable(keyId, caller);
            return true;
        }
        String path = request.getRequestURI();
        String action = path.substring(path.lastIndexOf('/') + 1);
        Set<Role> roles = RESPONDER_ACTIONS.contains(action) ? Set.of(Role.ADMIN, Role.RESPONDER) : Set.of(Role.ADMIN);
        access.requireAllowed(keyId, caller, "key." + (action.equals(keyId.toString()) ? "update" : action), roles);
        return true;
    }

    private static @Nullable UUID keyId(HttpServletRequest request) {
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (variables instanceof Map<?, ?> map && map.get("id") instanceof String id) {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                return null; // the handler answers a malformed id as it always has
            }
        }
        return null;
    }
}
