package io.keybridge.monitoring;

import io.keybridge.findings.Finding;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.VersionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Whether what a finding noticed has gone away, and how keybridge can tell; pure, so that each kind's rule is tested
 * on its own. A finding about a key that is revoked or gone is settled, whatever its kind: nothing can act as that key.
 */
final class GoneCondition {

    private GoneCondition() {}

    /**
     * @param key the finding's key, if it still exists
     * @param versions the key's versions
     * @return why the condition is gone, if it is
     */
    static Optional<String> of(
            Finding finding,
            @Nullable ApiKey key,
            List<KeyVersion> versions,
            Instant now,
            Duration stragglerGoneAfter) {
        if (finding.keyId() == null) {
            return Optional.empty();
        }
        if (key == null) {
            return Optional.of("the key no longer exists");
        }
        if (key.status() == KeyStatus.REVOKED) {
            return Optional.of("the key was revoked at " + key.revokedAt());
        }
        return switch (finding.kind()) {
            // someone else may hold the key: settled once every version live when it was noticed is revoked
            case LEAK_REPORTED, REQUEST_SPIKE, OFF_HOURS, SCOPE_PROBING, SOURCE_NOT_ALLOWED ->
                replaced(finding, versions);
            case STRAGGLER ->
                finding.lastSeenAt().plus(stragglerGoneAfter).isAfter(now)
                        ? Optional.empty()
                        : Optional.of("the revoked version has not been presented from "
                                + finding.evidence().getOrDefault("source", "its source") + " since "
                                + finding.lastSeenAt());
            case OVER_PRIVILEGED -> narrowed(finding, key);
            // the destination took a new version: it can be written, and its consumers read a valid key again
            case PREFLIGHT_FAILED, DESTINATION_LOST, ROTATION_OVERDUE, ROTATION_UNSETTLED ->
                versions.stream()
                        .filter(version -> version.state() == VersionState.ACTIVE)
                        .filter(version -> version.createdAt().isAfter(finding.raisedAt()))
                        .findFirst()
                        .map(version -> "version " + version.version() + " was delivered and confirmed since");
            case DORMANT ->
                key.lastUsedAt() != null && key.lastUsedAt().isAfter(finding.raisedAt())
                        ? Optional.of("the key was used again at " + key.lastUsedAt())
                        : Optional.empty();
            case KEY_EXPIRING -> Optional.empty(); // nothing but revoking (or its successor) settles an expiry
        };
    }

    private static Optional<String> replaced(Finding finding, List<KeyVersion> versions) {
        List<KeyVersion> then = versions.stream()
                .filter(version -> !version.createdAt().isAfter(finding.raisedAt()))
                .toList();
        if (then.isEmpty() || then.stream().anyMatch(version -> version.state().verifies())) {
            return Optional.empty();
        }
        Instant last = then.stream()
                .map(KeyVersion::revokedAt)
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(finding.raisedAt());
        return Optional.of("every version live when this was noticed ("
                + then.stream().map(version -> "v" + version.version()).collect(Collectors.joining(", "))
                + ") is revoked, the last at " + last);
    }

    private static Optional<String> narrowed(Finding finding, ApiKey key) {
        Set<String> unused = finding.listed("unusedScopes");
        if (unused.isEmpty() || unused.stream().anyMatch(key.scopes()::contains)) {
            return Optional.empty();
        }
        return Optional.of("the key no longer holds " + unused + "; its scopes are " + key.scopes());
    }
}
