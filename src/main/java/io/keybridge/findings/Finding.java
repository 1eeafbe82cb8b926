package io.keybridge.findings;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing keybridge noticed, with its evidence (addresses, versions, counts, a report's URL; never key material).
 *
 * @param keyId the key it is about, if any
 */
public record Finding(
        UUID id,
        @Nullable UUID keyId,
        FindingKind kind,
        Severity severity,
        Instant raisedAt,
        String summary,
        Map<String, String> evidence) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }
}
