package io.keybridge.findings;

/**
 * What was noticed. Each kind names the audit action it is recorded under, which is also what webhooks announce: most
 * are {@code finding.raised}; an overdue rotation and an expiry ahead have events of their own.
 */
public enum FindingKind {
    /** A leak report named one of the key's versions. */
    LEAK_REPORTED("finding.raised"),
    /** A revoked version of the key was presented: a consumer that never picked up the new one, or a leak. */
    STRAGGLER("finding.raised"),
    /** Far more requests this hour than the key's usual hours. */
    REQUEST_SPIKE("finding.raised"),
    /** Used at an hour of the day it has not been used at before. */
    OFF_HOURS("finding.raised"),
    /** A burst of requests for scopes the key lacks: someone exploring what it can do. */
    SCOPE_PROBING("finding.raised"),
    /** Presented from an address outside its allow-list (and refused with 403). */
    SOURCE_NOT_ALLOWED("finding.raised"),
    /** Granted scopes that no request needed for a long time. */
    OVER_PRIVILEGED("finding.raised"),
    /** keybridge could no longer write one of the key's destinations: its next rotation would fail. */
    PREFLIGHT_FAILED("finding.raised"),
    /** A destination no longer holds the version keybridge confirmed there: its consumers cannot read the key. */
    DESTINATION_LOST("finding.raised"),
    /** No use for the dormant threshold (30 days by default). */
    DORMANT("finding.raised"),
    /** The key's scheduled rotation is late. */
    ROTATION_OVERDUE("key.rotation-overdue"),
    /** A sweep could not bring one of the key's rotations to its end: the key cannot rotate until someone looks. */
    ROTATION_UNSETTLED("finding.raised"),
    /** The key itself expires soon; no rotation can extend it. */
    KEY_EXPIRING("key.expiring");

    private final String auditAction;

    FindingKind(String auditAction) {
        this.auditAction = auditAction;
    }

    public String auditAction() {
        return auditAction;
    }
}
