package io.keybridge.findings;

/**
 * Where a finding is in its life: {@code OPEN → ACKNOWLEDGED → RESOLVED}, or {@code OPEN → RESOLVED}. Resolved is
 * final: the same thing noticed again is a new finding.
 */
public enum FindingStatus {
    /** Nobody has looked yet. */
    OPEN,
    /** Someone has it in hand (who, and their note, are recorded). */
    ACKNOWLEDGED,
    /** The condition is gone, as keybridge saw or as a person said (with a reason). */
    RESOLVED
}
