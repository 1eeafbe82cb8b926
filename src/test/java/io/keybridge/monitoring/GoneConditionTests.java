package io.keybridge.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Severity;
import io.keybridge.keys.AllowedSources;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.VersionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class GoneConditionTests {

    private static final Instant RAISED = Instant.parse("2026-12-04T10:15:00Z");
    private static final Instant NOW = RAISED.plus(Duration.ofHours(3));
    private static final Duration QUIET = Duration.ofDays(1);
    private static final UUID KEY = UUID.randomUUID();

    @Test
    void aFindingAboutARevokedOrVanishedKeyIsSettledWhateverItsKind() {
        for (FindingKind kind : FindingKind.values()) {
            assertThat(GoneCondition.of(
                            finding(kind, Map.of()), key(KeyStatus.REVOKED, List.of("a"), null), List.of(), NOW, QUIET))
                    .as(kind.name())
                    .hasValueSatisfying(reason -> assertThat(reason).contains("revoked"));
            assertThat(GoneCondition.of(finding(kind, Map.of()), null, List.of(), NOW, QUIET))
                    .hasValue("the key no longer exists");
        }
    }

    @Test
    void suspicionSettlesOnlyWhenEveryVersionLiveAtTheTimeIsRevoked() {
        Finding spike = finding(FindingKind.REQUEST_SPIKE, Map.of());
        ApiKey key = key(KeyStatus.ACTIVE, List.of("a"), null);
        KeyVersion v1 = version(1, VersionState.ACTIVE, RAISED.minus(Duration.ofDays(2)), null);
        assertThat(GoneCondition.of(spike, key, List.of(v1), NOW, QUIET)).isEmpty();
        KeyVersion v1Retiring = version(1, VersionState.RETIRING, RAISED.minus(Duration.ofDays(2)), null);
        KeyVersion v2 = version(2, VersionState.ACTIVE, RAISED.plusSeconds(60), null);
        assertThat(GoneCondition.of(spike, key, List.of(v1Retiring, v2), NOW, QUIET))
                .as("a scheduled rotation's old version still verifies during its overlap")
                .isEmpty();
        KeyVersion v1Revoked =
                version(1, VersionState.REVOKED, RAISED.minus(Duration.ofDays(2)), RAISED.plusSeconds(30));
        assertThat(GoneCondition.of(spike, key, List.of(v1Revoked, v2), NOW, QUIET))
                .hasValueSatisfying(reason -> assertThat(reason).contains("(v1)", "revoked"));
    }

    @Test
    void aStragglerSettlesAfterItsQuietPeriod() {
        ApiKey key = key(KeyStatus.ACTIVE, List.of("a"), null);
        Finding straggler = finding(FindingKind.STRAGGLER, Map.of("source", "10.1.2.4"));
        assertThat(GoneCondition.of(
                        straggler, key, List.of(), RAISED.plus(QUIET).minusSeconds(1), QUIET))
                .isEmpty();
        assertThat(GoneCondition.of(straggler, key, List.of(), RAISED.plus(QUIET), QUIET))
                .hasValueSatisfying(reason -> assertThat(reason).contains("10.1.2.4"));
    }

    @Test
    void unusedScopesSettleWhenNoneIsHeldAnyMore() {
        Finding over = finding(FindingKind.OVER_PRIVILEGED, Map.of("unusedScopes", "[leads:write, lists:write]"));
        assertThat(GoneCondition.of(
                        over, key(KeyStatus.ACTIVE, List.of("lists:read", "lists:write"), null), List.of(), NOW, QUIET))
                .isEmpty();
        assertThat(GoneCondition.of(over, key(KeyStatus.ACTIVE, List.of("lists:read"), null), List.of(), NOW, QUIET))
                .hasValueSatisfying(reason -> assertThat(reason).contains("[leads:write, lists:write]"));
    }

    @Test
    void destinationAndRotationTroubleSettlesWithANewConfirmedVersion() {
        ApiKey key = key(KeyStatus.ACTIVE, List.of("a"), null);
        KeyVersion old = version(1, VersionState.ACTIVE, RAISED.minus(Duration.ofDays(1)), null);
        KeyVersion pending = version(2, VersionState.PENDING, RAISED.plusSeconds(5), null);
        KeyVersion confirmed = version(2, VersionState.ACTIVE, RAISED.plusSeconds(5), null);
        for (FindingKind kind : List.of(
                FindingKind.PREFLIGHT_FAILED,
                FindingKind.DESTINATION_LOST,
                FindingKind.ROTATION_OVERDUE,
                FindingKind.ROTATION_UNSETTLED)) {
            Finding finding = finding(kind, Map.of());
            assertThat(GoneCondition.of(finding, key, List.of(old, pending), NOW, QUIET))
                    .as(kind.name())
                    .isEmpty();
            assertThat(GoneCondition.of(finding, key, List.of(confirmed), NOW, QUIET))
                    .as(kind.name())
                    .hasValue("version 2 was delivered and confirmed since");
        }
    }

    @Test
    void aDormantKeySettlesWhenUsedAgainAndAnExpiryNever() {
        Finding dormant = finding(FindingKind.DORMANT, Map.of());
        assertThat(GoneCondition.of(
                        dormant, key(KeyStatus.SUSPENDED, List.of("a"), RAISED.minusSeconds(1)), List.of(), NOW, QUIET))
                .isEmpty();
        assertThat(GoneCondition.of(
                        dormant, key(KeyStatus.ACTIVE, List.of("a"), RAISED.plusSeconds(1)), List.of(), NOW, QUIET))
                .isPresent();
        assertThat(GoneCondition.of(
                        finding(FindingKind.KEY_EXPIRING, Map.of()),
                        key(KeyStatus.ACTIVE, List.of("a"), NOW),
                        List.of(),
                        NOW,
                        QUIET))
                .isEmpty();
    }

    private static Finding finding(FindingKind kind, Map<String, String> evidence) {
        return Finding.open(UUID.randomUUID(), KEY, kind, Severity.HIGH, RAISED, "test", evidence);
    }

    private static ApiKey key(KeyStatus status, List<String> scopes, @Nullable Instant lastUsedAt) {
        return new ApiKey(
                KEY,
                "gone-condition",
                "team",
                Environment.LIVE,
                new TreeSet<>(scopes),
                null,
                status,
                RAISED.minus(Duration.ofDays(30)),
                null,
                lastUsedAt,
                status == KeyStatus.REVOKED ? RAISED.plusSeconds(1) : null,
                null,
                "default",
                null,
                null,
                AllowedSources.ANYWHERE);
    }

    private static KeyVersion version(int number, VersionState state, Instant createdAt, @Nullable Instant revokedAt) {
        return new KeyVersion(
                UUID.randomUUID(),
                KEY,
                number,
                KeyHash.of("ee_live_test" + number),
                "ee_live_test",
                state,
                createdAt,
                null,
                revokedAt);
    }
}
