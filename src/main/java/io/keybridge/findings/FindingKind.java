package io.keybridge.findings;

/**
 * What was noticed. Each kind names the audit action it is recorded under, which is also what webhooks announce: most
 * are {@code finding.raised}; an overdue rotation and an expiry ahead have events of their own.
 */
public enum FindingKind {
    /** A leak report named one of the key's versions. */
    LEAK_REPORTED(
            "finding.raised",
            "Whoever holds the reported copy can call the API as this key until that version is revoked.",
            SuggestedAction.EMERGENCY_ROTATE,
            false),
    /** A revoked version of the key was presented: a consumer that never picked up the new one, or a leak. */
    STRAGGLER(
            "finding.raised",
            "A consumer still presents a revoked version: its calls fail, or someone else holds the old key.",
            SuggestedAction.UPDATE_CONSUMER,
            true),
    /** Far more requests this hour than the key's usual hours. */
    REQUEST_SPIKE(
            "finding.raised",
            "Traffic far above the key's own baseline is how a stolen key often shows itself.",
            SuggestedAction.EMERGENCY_ROTATE,
            false),
    /** Used at an hour of the day it has not been used at before. */
    OFF_HOURS(
            "finding.raised",
            "Use at an hour the key's consumers never work may be someone else using it.",
            SuggestedAction.EMERGENCY_ROTATE,
            false),
    /** A burst of requests for scopes the key lacks: someone exploring what it can do. */
    SCOPE_PROBING(
            "finding.raised",
            "Someone holding the key is trying what else it can do.",
            SuggestedAction.EMERGENCY_ROTATE,
            true),
    /** Presented from an address outside its allow-list (and refused with 403). */
    SOURCE_NOT_ALLOWED(
            "finding.raised",
            "The key was presented from an address its owners never allowed: a copy is outside.",
            SuggestedAction.EMERGENCY_ROTATE,
            true),
    /** Granted scopes that no request needed for a long time. */
    OVER_PRIVILEGED(
            "finding.raised",
            "Scopes nobody uses only widen what a leaked copy could do.",
            SuggestedAction.NARROW_SCOPES,
            false),
    /** keybridge could no longer write one of the key's destinations: its next rotation would fail. */
    PREFLIGHT_FAILED(
            "finding.raised",
            "The next rotation will fail at this destination, and the key will go stale.",
            SuggestedAction.FIX_DESTINATION,
            true),
    /** A destination no longer holds the version keybridge confirmed there: its consumers cannot read the key. */
    DESTINATION_LOST(
            "finding.raised",
            "The consumers reading this destination no longer get a valid key.",
            SuggestedAction.FIX_DESTINATION,
            true),
    /** No use for the dormant threshold (30 days by default). */
    DORMANT(
            "finding.raised",
            "An unused key is risk without use: nobody would notice it being abused.",
            SuggestedAction.RESUME_OR_REVOKE,
            false),
    /** The key's scheduled rotation is late. */
    ROTATION_OVERDUE(
            "key.rotation-overdue",
            "The key has been live longer than its policy allows.",
            SuggestedAction.ROTATE,
            false),
    /** A sweep could not bring one of the key's rotations to its end: the key cannot rotate until someone looks. */
    ROTATION_UNSETTLED(
            "finding.raised",
            "The key cannot rotate, even in an emergency, until its last rotation is brought to an end.",
            SuggestedAction.ROTATE,
            false),
    /** The key itself expires soon; no rotation can extend it. */
    KEY_EXPIRING(
            "key.expiring",
            "When it expires every consumer is refused; no rotation extends a key.",
            SuggestedAction.ISSUE_SUCCESSOR,
            false);

    private final String auditAction;
    private final String why;
    private final SuggestedAction suggestion;
    private final boolean recurs;

    /**
     * @param why why it matters, for the person reading it
     * @param recurs whether the same thing noticed after the finding was resolved opens a new finding: true where
     *     each noticing is new evidence (another presentation, another refusal, another failed check); false where the
     *     detector notices one standing occurrence again and again (the same hour's spike, the same idle stretch)
     */
    FindingKind(String auditAction, String why, SuggestedAction suggestion, boolean recurs) {
        this.auditAction = auditAction;
        this.why = why;
        this.suggestion = suggestion;
        this.recurs = recurs;
    }

    public String auditAction() {
        return auditAction;
    }

    public String why() {
        return why;
    }

    public SuggestedAction suggestion() {
        return suggestion;
    }

    public boolean recurs() {
        return recurs;
    }
}
