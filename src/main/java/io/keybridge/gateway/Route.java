package io.keybridge.gateway;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * One line of a route table: calls with one of {@code methods} (empty: any) to a path matching {@code pattern}, on
 * {@code host} if it names one, need {@code scopes} (empty: any valid key).
 *
 * @param where the file and line it came from, for messages
 */
record Route(Set<String> methods, @Nullable String host, PathPattern pattern, Set<String> scopes, String where) {

    /** Whether this route covers the call; a {@code HEAD} is covered by a route for {@code GET}. */
    boolean matches(String method, @Nullable String requestHost, PathContainer path) {
        if (!methods.isEmpty() && !methods.contains(method) && !(method.equals("HEAD") && methods.contains("GET"))) {
            return false;
        }
        if (host != null && (requestHost == null || !host.equals(hostName(requestHost)))) {
            return false;
        }
        return pattern.matches(path);
    }

    /** The host without its port, in lower case. */
    static String hostName(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end < 0 ? name : name.substring(0, end + 1);
        }
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
