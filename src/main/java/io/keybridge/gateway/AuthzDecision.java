package io.keybridge.gateway;

import io.keybridge.verification.Verdict;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** What keybridge answers a gateway: let the call through with who the key is, or refuse it with a problem. */
public sealed interface AuthzDecision {

    /** The headers a gateway passes upstream, so that the upstream knows who called without ever seeing the key. */
    String KEY_ID = "X-Keybridge-Key-Id";

    String KEY_NAME = "X-Keybridge-Key-Name";
    String OWNER = "X-Keybridge-Owner";
    String ENVIRONMENT = "X-Keybridge-Environment";
    String SCOPES = "X-Keybridge-Scopes";

    /** The call may go on. */
    record Allow(Verdict.Valid key) implements AuthzDecision {

        /**
         * The identity headers. The key's name may hold any letter, so it is percent-encoded UTF-8 where it is not
         * printable ASCII; scopes are separated by spaces, as in OAuth.
         */
        public Map<String, String> headers() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put(KEY_ID, key.keyId().toString());
            headers.put(KEY_NAME, headerValue(key.name()));
            headers.put(OWNER, headerValue(key.owner()));
            headers.put(ENVIRONMENT, key.environment().name().toLowerCase(java.util.Locale.ROOT));
            headers.put(SCOPES, String.join(" ", new TreeSet<>(key.scopes())));
            return headers;
        }
    }

    /**
     * The call is refused: {@code status} with an RFC 9457 problem.
     *
     * @param retryAfter for {@code 429}: how long the client should wait
     */
    record Deny(
            int status,
            String type,
            String title,
            String detail,
            Map<String, Object> properties,
            @Nullable Duration retryAfter)
            implements AuthzDecision {

        /** {@code Retry-After} in whole seconds, at least 1. */
        public long retryAfterSeconds() {
            return retryAfter == null ? 0 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }

        public static Deny of(int status, String type, String title, String detail) {
            return new Deny(status, type, title, detail, Map.of(), null);
        }

        static Deny missingScopes(Set<String> missing) {
            return new Deny(
                    403,
                    "missing-scope",
                    "Missing scope",
                    "The key lacks scopes this endpoint needs: " + missing,
                    Map.of("missingScopes", missing),
                    null);
        }
    }

    /** Printable ASCII as it is; every other character, and {@code %}, percent-encoded as UTF-8. */
    static String headerValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
