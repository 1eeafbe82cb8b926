package io.keybridge.leak;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.lifecycle.KeyRevoker;
import io.keybridge.rotation.EmergencyRotations;
import io.keybridge.rotation.KeySelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Acts on a signed leak report: every reported token is hashed and looked up; the live keys among them are contained
 * together (by default one emergency run: they stop verifying before the reply is sent, and replacements are
 * delivered in the background), and each match is a {@code LEAK_REPORTED} finding with the report's evidence.
 */
@Service
public class LeakReports {

    /** The actor in the audit trail for what a leak report sets off. */
    public static final String ACTOR = "leak-report";

    private static final Logger log = LoggerFactory.getLogger(LeakReports.class);

    private final KeyFormat format;
    private final KeyVersions versions;
    private final ApiKeys keys;
    private final EmergencyRotations emergencies;
    private final KeyRevoker revoker;
    private final Findings findings;
    private final LeakReportProperties properties;

    LeakReports(
            KeyFormat format,
            KeyVersions versions,
            ApiKeys keys,
            EmergencyRotations emergencies,
            KeyRevoker revoker,
            Findings findings,
            LeakReportProperties properties) {
        this.format = format;
        this.versions = versions;
        this.keys = keys;
        this.emergencies = emergencies;
        this.revoker = revoker;
        this.findings = findings;
        this.properties = properties;
    }

    /** Handles a report; returns one verdict per entry, in order. */
    public List<LeakVerdict> handle(List<ReportedToken> report) {
        List<LeakVerdict> verdicts = new ArrayList<>();
        Map<UUID, ReportedToken> live = new LinkedHashMap<>();
        for (ReportedToken reported : report) {
            Optional<KeyVersion> version = format.check(reported.token()).wellFormed()
                    ? versions.findByHash(KeyHash.of(reported.token()))
                    : Optional.empty();
            Optional<ApiKey> key = version.flatMap(found -> keys.find(found.keyId()));
            if (version.isEmpty() || key.isEmpty()) {
                verdicts.add(LeakVerdict.UNKNOWN);
                continue;
            }
            boolean isLive = version.get().state().verifies() && key.get().status() != KeyStatus.REVOKED;
            verdicts.add(isLive ? LeakVerdict.LIVE_KEY_CONTAINED : LeakVerdict.ALREADY_REVOKED);
            if (isLive && key.get().status() == KeyStatus.SUSPENDED) {
                // a suspended key is refused already, but resuming it would bring the leaked secret back: revoke it
                revoker.revoke(key.get().id(), "leak report: " + reported.url(), ACTOR);
            } else if (isLive) {
                live.putIfAbsent(key.get().id(), reported);
            }
            raiseFinding(key.get(), version.get(), reported, isLive);
        }
        contain(live);
        return verdicts;
    }

    private void contain(Map<UUID, ReportedToken> live) {
        if (live.isEmpty() || properties.response() == LeakReportProperties.Response.FINDING_ONLY) {
            return;
        }
        Set<String> urls = new LinkedHashSet<>();
        live.values().forEach(reported -> urls.add(Objects.requireNonNullElse(reported.url(), "no url")));
        String reason = "leak report: " + String.join(", ", urls);
        if (properties.response() == LeakReportProperties.Response.REVOKE) {
            live.keySet().forEach(keyId -> revoker.revoke(keyId, reason, ACTOR));
            log.warn("leak report: revoked {} keys", live.size());
            return;
        }
        var run = emergencies.start(
                new KeySelector(null, null, null, null, null, List.copyOf(live.keySet())),
                "leak report (" + live.size() + " keys)",
                io.keybridge.jdbc.Sql.truncate(reason, 400),
                ACTOR);
        log.warn("leak report: {} keys contained by emergency run {}", live.size(), run.id());
    }

    private void raiseFinding(ApiKey key, KeyVersion version, ReportedToken reported, boolean live) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("version", Integer.toString(version.version()));
        evidence.put("wasLive", Boolean.toString(live));
        evidence.put("url", Objects.requireNonNullElse(reported.url(), ""));
        evidence.put("source", Objects.requireNonNullElse(reported.source(), ""));
        evidence.put("type", Objects.requireNonNullElse(reported.type(), ""));
        findings.raise(new NewFinding(
                key.id(),
                FindingKind.LEAK_REPORTED,
                live ? Severity.CRITICAL : Severity.MEDIUM,
                "version " + version.version() + " of '" + key.name() + "' reported leaked"
                        + (reported.url() == null ? "" : " at " + reported.url())
                        + (live ? "" : " (already revoked)"),
                evidence,
                version.id() + " " + Objects.requireNonNullElse(reported.url(), "")));
    }
}
