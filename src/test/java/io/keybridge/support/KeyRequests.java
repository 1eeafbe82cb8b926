package io.keybridge.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Bodies of {@code POST /api/v1/keys} for tests: a live key with the scope {@code lists:read}. */
public final class KeyRequests {

    private KeyRequests() {}

    /** @param policy the rotation policy, or null for the default one */
    public static Map<String, Object> key(
            String name, String owner, @Nullable String policy, List<? extends Map<String, ?>> destinations) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("environment", "live");
        body.put("owner", owner);
        body.put("scopes", List.of("lists:read"));
        if (policy != null) {
            body.put("rotationPolicy", policy);
        }
        body.put("destinations", destinations);
        return body;
    }

    public static Map<String, String> vault(String path) {
        return Map.of("type", "vault", "path", path);
    }

    public static Map<String, String> aws(String secretId) {
        return Map.of("type", "aws", "secretId", secretId);
    }
}
