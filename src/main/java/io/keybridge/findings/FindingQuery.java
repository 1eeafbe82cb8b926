package io.keybridge.findings;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Which findings to list; every criterion is optional.
 *
 * @param minimumSeverity this severity or higher
 * @param since raised at or after this instant
 * @param statuses in one of these states (all states if empty)
 * @param owner about keys of this owner
 * @param owners about keys of these owners only (the caller's reach; null for every owner's)
 * @param attentionFirst open first, then by severity, newest first within each (else newest first)
 */
public record FindingQuery(
        @Nullable UUID keyId,
        @Nullable FindingKind kind,
        @Nullable Severity minimumSeverity,
        @Nullable Instant since,
        Set<FindingStatus> statuses,
        @Nullable String owner,
        @Nullable Set<String> owners,
        boolean attentionFirst) {

    public FindingQuery {
        statuses = Set.copyOf(statuses);
        owners = owners == null ? null : Set.copyOf(owners);
    }

    public FindingQuery withinOwners(Set<String> reach) {
        return new FindingQuery(keyId, kind, minimumSeverity, since, statuses, owner, reach, attentionFirst);
    }
}
