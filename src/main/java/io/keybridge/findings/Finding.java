package io.keybridge.findings;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing keybridge noticed, with its evidence (addresses, versions, counts, a report's URL; never key material), and
 * where it is in its life.
 *
 * @param keyId the key it is about, if any
 * @param lastSeenAt when the condition was last noticed (the raising, or the same thing noticed again while open)
 * @param why why it matters (from its kind)
 * @param suggestion what to do about it (from its kind)
 * @param acknowledgedBy who acknowledged it, with {@code acknowledgedAt} and their {@code acknowledgeNote}
 * @param resolvedBy who resolved it ({@code keybridge} when the condition went away), with {@code resolvedAt} and the
 *     {@code resolution}
 */
public record Finding(
        UUID id,
        @Nullable UUID keyId,
        FindingKind kind,
        Severity severity,
        Instant raisedAt,
        String summary,
        Map<String, String> evidence,
        FindingStatus status,
        Instant lastSeenAt,
        @Nullable String acknowledgedBy,
        @Nullable Instant acknowledgedAt,
        @Nullable String acknowledgeNote,
        @Nullable String resolvedBy,
        @Nullable Instant resolvedAt,
        @Nullable String resolution) {

    public Finding {
        evidence = Map.copyOf(evidence);
    }

    /** A finding just raised. */
    public static Finding open(
            UUID id,
            @Nullable UUID keyId,
            FindingKind kind,
            Severity severity,
            Instant raisedAt,
            String summary,
            Map<String, String> evidence) {
        return new Finding(
                id,
                keyId,
                kind,
                severity,
                raisedAt,
                summary,
                evidence,
                FindingStatus.OPEN,
                raisedAt,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    @JsonProperty
    public String why() {
        return kind.why();
    }

    @JsonProperty
    public SuggestedAction suggestion() {
        return kind.suggestion();
    }

    /** An evidence entry that lists values as {@code [a, b]}, as a set (empty if absent). */
    public SortedSet<String> listed(String evidenceKey) {
        String inner = evidence.getOrDefault(evidenceKey, "").strip();
        if (inner.startsWith("[") && inner.endsWith("]")) {
            inner = inner.substring(1, inner.length() - 1);
        }
        SortedSet<String> values = new TreeSet<>();
        for (String value : inner.split(",")) {
            if (!value.isBlank()) {
                values.add(value.strip());
            }
        }
        return values;
    }

    @JsonIgnore
    public boolean resolved() {
        return status == FindingStatus.RESOLVED;
    }
}
