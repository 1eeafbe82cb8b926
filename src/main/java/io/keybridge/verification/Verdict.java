package io.keybridge.verification;

import io.keybridge.keys.Environment;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The answer to one verification. */
public sealed interface Verdict {

    /** The key is valid and holds every required scope. */
    record Valid(
            UUID keyId,
            String name,
            String owner,
            Environment environment,
            Set<String> scopes,
            @Nullable Instant expiresAt)
            implements Verdict {}

    /** The key is valid but lacks scopes the endpoint needs: {@code 403}. */
    record MissingScope(UUID keyId, Set<String> missing) implements Verdict {}

    /** The key is valid but was presented from an address outside its allow-list: {@code 403}. */
    record SourceNotAllowed(UUID keyId) implements Verdict {}

    /** No valid key: {@code 401}, with a reason that goes to the audit log and metrics only. */
    record Refused(Reason reason, @Nullable UUID keyId) implements Verdict {}

    /** Why a key was refused. */
    enum Reason {
        MALFORMED,
        BAD_CHECKSUM,
        UNKNOWN,
        REVOKED,
        SUSPENDED,
        EXPIRED
    }
}
