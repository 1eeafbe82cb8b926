package io.keybridge.monitoring;

import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.Destinations;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyDestination;
import io.keybridge.lifecycle.RotationPolicyChanged;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Checks that keybridge can still write every destination of a key (Vault: its token's capabilities on the path; AWS:
 * the secret still there and tagged), before a scheduled rotation falls due and when a key's policy changes, and
 * raises {@code PREFLIGHT_FAILED} while there is time to fix it. A new key needs none: its delivery just proved it.
 */
@Component
class Preflight {

    private final ApiKeys keys;
    private final Destinations destinations;
    private final Findings findings;

    Preflight(ApiKeys keys, Destinations destinations, Findings findings) {
        this.keys = keys;
        this.destinations = destinations;
        this.findings = findings;
    }

    /** Checks every destination of the key; returns how many findings it raised. */
    int check(ApiKey key) {
        int raised = 0;
        for (KeyDestination destination : keys.destinationsOf(key.id())) {
            try {
                destinations.of(destination.type()).preflight(destination.path());
            } catch (DestinationException e) {
                boolean added = findings.raise(new NewFinding(
                                key.id(),
                                FindingKind.PREFLIGHT_FAILED,
                                Severity.HIGH,
                                "'" + key.name() + "' cannot be rotated"
                                        + (key.nextRotationAt() == null ? "" : " at " + key.nextRotationAt()) + ": "
                                        + e.getMessage(),
                                Map.of(
                                        "destination", destination.ref(),
                                        "nextRotationAt", String.valueOf(key.nextRotationAt()),
                                        "problem", String.valueOf(e.getMessage())),
                                // once per destination and planned rotation
                                key.id() + " " + destination.ref() + " " + key.nextRotationAt()))
                        .isPresent();
                raised += added ? 1 : 0;
            }
        }
        return raised;
    }

    @EventListener
    void policyChanged(RotationPolicyChanged changed) {
        keys.find(changed.keyId()).ifPresent(this::check);
    }
}
