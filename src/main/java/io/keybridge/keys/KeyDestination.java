package io.keybridge.keys;

import java.util.UUID;

/**
 * A place a key is delivered to, e.g. a Vault KV v2 path.
 *
 * @param type the destination kind ({@code vault})
 * @param path the path as the client gave it, relative to keybridge's root
 * @param ref the full reference a consumer reads, e.g. {@code secret/keybridge/crm-sync/api-key}
 */
public record KeyDestination(UUID id, UUID keyId, int position, String type, String path, String ref) {}
