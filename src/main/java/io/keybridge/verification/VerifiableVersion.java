package io.keybridge.verification;

import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.Environment;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the verifier keeps in memory for one key version: enough to answer {@code /verify} alone. */
record VerifiableVersion(
        UUID keyId,
        UUID versionId,
        int version,
        String name,
        String owner,
        Environment environment,
        Set<String> scopes,
        @Nullable Instant expiresAt,
        AllowedSources allowedSources,
        boolean suspended,
        boolean revoked) {

    VerifiableVersion {
        scopes = Set.copyOf(scopes);
    }

    VerifiableVersion renamed(String newName) {
        return new VerifiableVersion(
                keyId,
                versionId,
                version,
                newName,
                owner,
                environment,
                scopes,
                expiresAt,
                allowedSources,
                suspended,
                revoked);
    }

    VerifiableVersion asRevoked() {
        return new VerifiableVersion(
                keyId,
                versionId,
                version,
                name,
                owner,
                environment,
                scopes,
                expiresAt,
                allowedSources,
                suspended,
                true);
    }
}
