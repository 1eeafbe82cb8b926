package io.keybridge.verification;

import io.keybridge.keys.Environment;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the verifier keeps in memory for one key version: enough to answer {@code /verify} alone. */
record VerifiableVersion(
        UUID keyId,
        UUID versionId,
        String name,
        String owner,
        Environment environment,
        Set<String> scopes,
        @Nullable Instant expiresAt,
        boolean revoked) {

    VerifiableVersion {
        scopes = Set.copyOf(scopes);
    }

    VerifiableVersion renamed(String newName) {
        return new VerifiableVersion(keyId, versionId, newName, owner, environment, scopes, expiresAt, revoked);
    }

    VerifiableVersion asRevoked() {
        return new VerifiableVersion(keyId, versionId, name, owner, environment, scopes, expiresAt, true);
    }
}
