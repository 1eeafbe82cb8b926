package io.keybridge.keys;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A place a key is delivered to, e.g. a Vault KV v2 path.
 *
 * @param type the destination kind ({@code vault})
 * @param path the path as the client gave it, relative to keybridge's root
 * @param ref the full reference a consumer reads, e.g. {@code secret/keybridge/crm-sync/api-key}
 * @param consumer how the destination's consumer reads it, or null if nobody said
 */
public record KeyDestination(
        UUID id,
        UUID keyId,
        int position,
        String type,
        String path,
        String ref,
        @Nullable ConsumerProfile consumer) {

    /** A destination whose consumer nobody described. */
    public KeyDestination(UUID id, UUID keyId, int position, String type, String path, String ref) {
        this(id, keyId, position, type, path, ref, null);
    }
}
