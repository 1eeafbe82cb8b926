package io.keybridge.leak;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a leak report, in the shape GitHub's secret-scanning partner program sends.
 *
 * @param token the string found; hashed at once, never stored, logged or echoed
 * @param type the reporter's name for the kind of token
 * @param url where it was found (becomes the emergency rotation's reason)
 * @param source where the reporter looked, e.g. {@code content}, {@code commit}, {@code npm}
 */
public record ReportedToken(
        String token,
        @Nullable String type,
        @Nullable String url,
        @Nullable String source) {

    @Override
    public String toString() {
        return "ReportedToken[type=" + type + ", url=" + url + ", source=" + source + "]"; // never the token
    }
}
