package io.keybridge.rotation;

import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.FindingRaised;
import io.keybridge.findings.Severity;
import io.keybridge.jdbc.Sql;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The policy that turns findings into containment: a finding about a key, of {@code auto-rotate-at} severity or
 * higher (and, if {@code auto-rotate-kinds} is set, of one of those kinds), emergency-rotates the key at once. Off by
 * default: keybridge then only reports. Leak reports have their own response and are not rotated twice.
 */
@Component
class AutoRotation {

    private static final Logger log = LoggerFactory.getLogger(AutoRotation.class);

    private final EmergencyRotations emergencies;
    private final Policy policy;

    AutoRotation(EmergencyRotations emergencies, Policy policy) {
        this.emergencies = emergencies;
        this.policy = policy;
    }

    @EventListener
    void on(FindingRaised raised) {
        Finding finding = raised.finding();
        if (!policy.applies(finding)) {
            return;
        }
        try {
            var run = emergencies.start(
                    new KeySelector(null, null, null, null, null, List.of(finding.keyId())),
                    "finding " + finding.id(),
                    Sql.truncate(
                            "auto-rotated on finding " + finding.kind() + " " + finding.severity() + ": "
                                    + finding.summary(),
                            400),
                    "keybridge");
            log.warn(
                    "finding {} ({}) about key {}: emergency run {}",
                    finding.id(),
                    finding.kind(),
                    finding.keyId(),
                    run.id());
        } catch (RuntimeException e) {
            log.error("finding {}: automatic emergency rotation of key {} failed", finding.id(), finding.keyId(), e);
        }
    }

    /**
     * @param autoRotateAt the lowest severity that rotates; null (the default) for never
     * @param autoRotateKinds only these kinds rotate; empty for any
     */
    @ConfigurationProperties("keybridge.findings")
    record Policy(
            @Nullable Severity autoRotateAt, @DefaultValue Set<FindingKind> autoRotateKinds) {

        boolean applies(Finding finding) {
            return autoRotateAt != null
                    && finding.keyId() != null
                    && finding.kind() != FindingKind.LEAK_REPORTED
                    && finding.severity().atLeast(autoRotateAt)
                    && (autoRotateKinds.isEmpty() || autoRotateKinds.contains(finding.kind()));
        }
    }
}
