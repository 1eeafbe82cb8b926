package io.keybridge.destination;

import io.keybridge.keys.Environment;
import java.time.Instant;
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
        @Nullable Instant expiresAt) {}
