package io.keybridge.findings;

import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A finding to raise.
 *
 * @param dedupeKey what makes it the same finding when noticed again (for example the key and the day of its last
 *     use): raising it twice, on any node, records it once
 */
public record NewFinding(
        @Nullable UUID keyId,
        FindingKind kind,
        Severity severity,
        String summary,
        Map<String, String> evidence,
        String dedupeKey) {

    public NewFinding {
        evidence = Map.copyOf(evidence);
    }
}
