package io.keybridge.dashboard;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.KeyStatus;
import io.keybridge.lifecycle.DestinationStatus;
import io.keybridge.lifecycle.KeyDetails;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A key as a row of the dashboard, with the warnings an operator should not miss.
 *
 * @param prefix the display prefix followed by an ellipsis, e.g. {@code ee_live_abc1…}: never more of the key
 */
record KeyRow(
        ApiKey key,
        String prefix,
        int version,
        KeyDetails.RotationStatus rotation,
        List<DestinationStatus> destinations,
        List<Warning> warnings) {

    /** No use for this long makes a key dormant (the seeds: unused credentials are easy to forget). */
    static final Duration DORMANT_AFTER = Duration.ofDays(30);

    /** An expiry this close is worth a badge. */
    static final Duration EXPIRING_WITHIN = Duration.ofDays(14);

    static KeyRow of(KeyDetails details, Instant now) {
        ApiKey key = details.key();
        List<Warning> warnings = new ArrayList<>();
        if (details.rotation() == KeyDetails.RotationStatus.OVERDUE) {
            warnings.add(Warning.OVERDUE);
        }
        if (key.status() == KeyStatus.ACTIVE) {
            Instant lastSign = key.lastUsedAt() != null ? key.lastUsedAt() : key.createdAt();
            if (lastSign.plus(DORMANT_AFTER).isBefore(now)) {
                warnings.add(Warning.DORMANT);
            }
            if (key.expiresAt() != null && key.expiresAt().isBefore(now.plus(EXPIRING_WITHIN))) {
                warnings.add(Warning.EXPIRING);
            }
        }
        return new KeyRow(
                key,
                details.currentVersion().displayPrefix() + "…",
                details.currentVersion().version(),
                details.rotation(),
                details.destinations(),
                List.copyOf(warnings));
    }

    /** The text of a warning badge and its explanation (the badge's title). */
    enum Warning {
        OVERDUE("overdue", "The last rotation failed and is being retried; the current version still verifies."),
        DORMANT("dormant", "No verification for 30 days or more: is anything still using this key?"),
        EXPIRING("expiring", "Expires within 14 days.");

        private final String label;
        private final String explanation;

        Warning(String label, String explanation) {
            this.label = label;
            this.explanation = explanation;
        }

        public String label() {
            return label;
        }

        public String explanation() {
            return explanation;
        }
    }
}
