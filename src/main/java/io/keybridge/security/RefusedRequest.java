package io.keybridge.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** How a refused request is named in the audit log: the route with ids templated out, and the key id apart. */
final class RefusedRequest {

    private static final Pattern ID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private RefusedRequest() {}

    /** e.g. {@code POST /api/v1/keys/{id}/revoke}: one audit row per route, whatever the key. */
    static String action(HttpServletRequest request) {
        return request.getMethod() + " " + ID.matcher(request.getRequestURI()).replaceAll("{id}");
    }

    /** The key id in the path, if any. */
    static @Nullable UUID keyId(HttpServletRequest request) {
        Matcher matcher = ID.matcher(request.getRequestURI());
        return matcher.find() ? UUID.fromString(matcher.group()) : null;
    }
}
