package io.keybridge.findings;

/** What a finding suggests doing about it; the dashboard offers it from the finding, with its own confirmation. */
public enum SuggestedAction {
    /** Replace the key now and revoke what is out there: it may be in someone else's hands. */
    EMERGENCY_ROTATE,
    /** Take away the scopes no request needs. */
    NARROW_SCOPES,
    /** Resume the key if someone still needs it, or revoke it. */
    RESUME_OR_REVOKE,
    /** Give keybridge back what it needs at the destination (a policy, a path, a credential). */
    FIX_DESTINATION,
    /** Find the consumer still on an old version and have it read the current one. */
    UPDATE_CONSUMER,
    /** Issue the key's successor before it expires. */
    ISSUE_SUCCESSOR,
    /** Look at the rotation's error and rotate again. */
    ROTATE
}
