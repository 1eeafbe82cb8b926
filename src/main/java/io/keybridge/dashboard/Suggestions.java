package io.keybridge.dashboard;

import io.keybridge.findings.SuggestedAction;

/** How the pages name the action a finding suggests: the link to it from the list. */
final class Suggestions {

    public String label(SuggestedAction action) {
        return switch (action) {
            case EMERGENCY_ROTATE -> "Emergency-rotate…";
            case NARROW_SCOPES -> "Narrow its scopes…";
            case RESUME_OR_REVOKE -> "Resume or revoke…";
            case FIX_DESTINATION -> "Fix the destination…";
            case UPDATE_CONSUMER -> "Find the consumer…";
            case ISSUE_SUCCESSOR -> "Issue its successor…";
            case ROTATE -> "Rotate…";
        };
    }
}
