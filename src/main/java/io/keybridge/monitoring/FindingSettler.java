package io.keybridge.monitoring;

import io.keybridge.findings.Finding;
import io.keybridge.findings.Findings;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Resolves the findings whose condition went away ({@link GoneCondition}): the straggler moved, the leaked version is
 * revoked, the destination took a new version. Every node may run it: resolving is conditional on the finding being
 * unresolved, so two nodes settle a finding once. One finding that cannot be judged is logged and skipped.
 */
@Service
public class FindingSettler {

    private static final Logger log = LoggerFactory.getLogger(FindingSettler.class);
    private static final int PAGE = 200;

    private final Findings findings;
    private final ApiKeys keys;
    private final KeyVersions versions;
    private final MonitoringProperties properties;
    private final Clock clock;

    FindingSettler(
            Findings findings, ApiKeys keys, KeyVersions versions, MonitoringProperties properties, Clock clock) {
        this.findings = findings;
        this.keys = keys;
        this.versions = versions;
        this.properties = properties;
        this.clock = clock;
    }

    /** One pass over every unresolved finding; returns how many it resolved. */
    @Scheduled(
            initialDelayString = "${keybridge.monitoring.settle-interval:PT1M}",
            fixedDelayString = "${keybridge.monitoring.settle-interval:PT1M}")
    public int settle() {
        Instant now = clock.instant();
        int settled = 0;
        Instant afterRaised = null;
        UUID afterId = null;
        while (true) {
            List<Finding> page = findings.unresolvedAfter(afterRaised, afterId, PAGE);
            Map<UUID, Optional<ApiKey>> keyOf = new HashMap<>();
            Map<UUID, List<KeyVersion>> versionsOf = new HashMap<>();
            for (Finding finding : page) {
                try {
                    settled += settle(finding, keyOf, versionsOf, now) ? 1 : 0;
                } catch (RuntimeException e) {
                    log.warn(
                            "findings: could not judge finding {} ({}): {}",
                            finding.id(),
                            finding.kind(),
                            e.toString());
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            afterRaised = page.getLast().raisedAt();
            afterId = page.getLast().id();
        }
        if (settled > 0) {
            log.info("findings: {} resolved themselves (their condition went away)", settled);
        }
        return settled;
    }

    private boolean settle(
            Finding finding, Map<UUID, Optional<ApiKey>> keyOf, Map<UUID, List<KeyVersion>> versionsOf, Instant now) {
        UUID keyId = finding.keyId();
        if (keyId == null) {
            return false;
        }
        ApiKey key = keyOf.computeIfAbsent(keyId, keys::find).orElse(null);
        List<KeyVersion> ofKey = versionsOf.computeIfAbsent(keyId, versions::ofKey);
        return GoneCondition.of(finding, key, ofKey, now, properties.stragglerGoneAfter())
                .map(reason -> findings.settle(finding.id(), reason))
                .orElse(false);
    }
}
