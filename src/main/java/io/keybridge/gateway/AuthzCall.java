package io.keybridge.gateway;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A call a gateway asks about: what the client called, the key it presented, where from.
 *
 * @param method the client's HTTP method
 * @param host the host the client called, if the gateway said
 * @param uri the path the client called, with or without its query string
 * @param key the key the client presented, if any
 * @param source the client's address as the gateway saw it, if it said
 * @param statedScopes the scopes the gateway's own config says the call needs; null to let the route table decide
 * @param caller who asks (the gateway's token or certificate name), for the audit log
 */
public record AuthzCall(
        String method,
        @Nullable String host,
        String uri,
        @Nullable String key,
        @Nullable String source,
        @Nullable Set<String> statedScopes,
        String caller) {

    /**
     * The scopes a gateway's own config states ({@code a,b} or {@code a b}), or null when it states none: the route
     * table decides then.
     */
    public static @Nullable Set<String> statedScopes(@Nullable String scopes) {
        if (scopes == null) {
            return null;
        }
        Set<String> stated = new java.util.LinkedHashSet<>(
                java.util.Arrays.asList(scopes.strip().split("\\s*[, ]\\s*")));
        stated.remove("");
        return stated;
    }

    /** The path without its query string or fragment. */
    String path() {
        int end = uri.length();
        int query = uri.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = uri.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return uri.substring(0, end);
    }
}
