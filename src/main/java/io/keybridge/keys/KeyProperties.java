package io.keybridge.keys;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of keys.
 *
 * @param prefix the first part of every key ({@code ee} gives {@code ee_live_…})
 * @param scopes the scope catalog: every scope a key may have, with what it permits
 * @param maximumLifetime how far ahead a key's {@code expiresAt} may be set
 */
@ConfigurationProperties("keybridge.keys")
public record KeyProperties(
        @DefaultValue("ee") String prefix,
        Map<String, String> scopes,
        @DefaultValue("P1826D") Duration maximumLifetime) {

    private static final Map<String, String> DEFAULT_SCOPES = defaultScopes();

    public KeyProperties {
        scopes = scopes == null || scopes.isEmpty() ? DEFAULT_SCOPES : Map.copyOf(new LinkedHashMap<>(scopes));
    }

    private static Map<String, String> defaultScopes() {
        Map<String, String> scopes = new LinkedHashMap<>();
        scopes.put("lists:read", "View lists, list metadata, and list counts");
        scopes.put("lists:write", "Create, update, and delete lists");
        scopes.put("leads:read", "View lead details including contact information");
        scopes.put("leads:write", "Create, update, and delete leads");
        return java.util.Collections.unmodifiableMap(scopes);
    }
}
