package io.keybridge.delivery;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Everything written beside the key at a destination; none of it is secret. */
public record SecretPayload(
        UUID keyId,
        UUID versionId,
        String owner,
        String keyPrefix,
        Environment environment,
        SortedSet<String> scopes,
        Instant issuedAt,
        @Nullable Instant expiresAt) {

    /** What is written beside this version of the key. */
    public static SecretPayload of(ApiKey key, KeyVersion version) {
        return new SecretPayload(
                key.id(),
                version.id(),
                key.owner(),
                version.displayPrefix(),
                key.environment(),
                key.scopes(),
                version.createdAt(),
                version.expiresAt());
    }

    /**
     * What every destination stores, field by field: the key under {@code api_key} and these facts beside it. The
     * caller must not log, keep or return the map, since it holds the key.
     */
    public Map<String, String> fields(KeyMaterial material) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(KEY_FIELD, material.reveal());
        fields.putAll(besideTheKey());
        return fields;
    }

    /** The name of the field that holds the key. */
    public static final String KEY_FIELD = "api_key";

    /** The fields beside the key, in the order {@link #fields} writes them after it. */
    public Map<String, String> besideTheKey() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("key_id", keyId.toString());
        fields.put("key_prefix", keyPrefix);
        fields.put("environment", environment.label());
        fields.put("scopes", String.join(" ", scopes));
        fields.put("issued_at", issuedAt.toString());
        fields.put("expires_at", expiresAt == null ? "" : expiresAt.toString());
        return fields;
    }
}
