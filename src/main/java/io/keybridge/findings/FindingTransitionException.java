package io.keybridge.findings;

import io.keybridge.web.ProblemException;
import org.springframework.http.HttpStatus;

/** The finding is not in a state the transition starts from (acknowledging a resolved one, say). */
public class FindingTransitionException extends ProblemException {

    FindingTransitionException(Finding finding, String transition) {
        super(
                HttpStatus.CONFLICT,
                "finding-transition",
                "Finding cannot change so",
                "finding " + finding.id() + " is " + finding.status() + describe(finding) + "; it cannot be "
                        + transition);
        property("currentStatus", finding.status().name());
    }

    private static String describe(Finding finding) {
        return switch (finding.status()) {
            case OPEN -> "";
            case ACKNOWLEDGED -> " (by " + finding.acknowledgedBy() + " at " + finding.acknowledgedAt() + ")";
            case RESOLVED -> " (by " + finding.resolvedBy() + " at " + finding.resolvedAt() + ")";
        };
    }
}
