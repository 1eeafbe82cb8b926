package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationPoliciesTests {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MONTH = Duration.ofDays(30);

    @TempDir
    Path folder;

    @Test
    void thePoliciesShippedInTheJarAreTheOnesInTheCheckout() {
        assertThat(RotationPolicies.load("classpath:policies/rotation", HOUR, MONTH))
                .isEqualTo(RotationPolicies.load(Path.of("policies/rotation"), HOUR, MONTH));
    }

    @Test
    void theShippedPoliciesLoadWithTheDefaultMinimumOverlap() {
        Map<String, RotationPolicy> policies = RotationPolicies.load(Path.of("policies/rotation"), HOUR, MONTH);

        assertThat(policies).containsKeys("default", "high-risk", "batch-jobs");
        RotationPolicy standard = policies.get("default");
        assertThat(standard.rotateEvery()).isEqualTo(Duration.ofDays(90));
        assertThat(standard.overlap()).isEqualTo(Duration.ofHours(24));
        assertThat(standard.rotateBeforeExpiry()).isEqualTo(Duration.ofDays(7));
        assertThat(standard.revokeAtDestination()).isEqualTo(RotationPolicy.RevokeAtDestination.DESTROY);
        assertThat(policies.get("high-risk").revokeOldWhen()).isEqualTo(RotationPolicy.RevokeOldWhen.DRAINED);
        assertThat(policies.get("batch-jobs").timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(policies.get("batch-jobs").revokeAtDestination())
                .isEqualTo(RotationPolicy.RevokeAtDestination.SOFT_DELETE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown field          | rotateEvry: P1D                    | rotateEvry is not a policy field
            both schedules         | cron: 0 0 2 * * ?                  | rotateEvery/cron exactly one of them is required
            bad duration           | keyLifetime: 90 days               | keyLifetime is not an ISO-8601 duration
            bad choice             | revokeAtDestination: shred         | revokeAtDestination must be one of [keep, soft-delete, destroy]
            drain without quiet    | revokeOldWhen: drained             | drainQuiet is required with revokeOldWhen: drained
            lifetime too short     | keyLifetime: P8D                   | keyLifetime must be longer than rotateBeforeExpiry + overlap
            """)
    void aBrokenPolicyStopsStartUpNamingFileFieldAndRule(String description, String extra, String message)
            throws IOException {
        String base = "name: broken\nrotateEvery: P90D\noverlap: PT24H\nrotateBeforeExpiry: P7D\n";
        Files.writeString(folder.resolve("broken.yaml"), base + extra.replace("'", "") + "\n");

        assertThatThrownBy(() -> RotationPolicies.parse(folder.resolve("broken.yaml"), HOUR, MONTH))
                .isInstanceOf(RotationPolicyException.class)
                .hasMessageStartingWith("rotation policy broken.yaml: ")
                .hasMessageContaining(message);
    }

    @Test
    void anOverlapBelowTheMinimumIsRefusedWithTheReason() throws IOException {
        Files.writeString(
                folder.resolve("short.yaml"),
                "name: short\nrotateEvery: P1D\noverlap: PT5M\nrotateBeforeExpiry: PT1H\n");

        assertThatThrownBy(() -> RotationPolicies.parse(folder.resolve("short.yaml"), HOUR, MONTH))
                .hasMessageContaining("overlap must be at least PT1H (keybridge.rotation.minimum-overlap)")
                .hasMessageContaining("revoked key");
    }

    @Test
    void anOverlapAboveTheMaximumIsRefusedWithTheBound() throws IOException {
        Files.writeString(
                folder.resolve("long.yaml"),
                "name: long\nrotateEvery: P365D\noverlap: P60D\nrotateBeforeExpiry: PT1H\n");

        assertThatThrownBy(() -> RotationPolicies.parse(folder.resolve("long.yaml"), HOUR, MONTH))
                .hasMessageContaining("overlap must be at most P30D (keybridge.rotation.maximum-overlap)");
    }

    @Test
    void aDurationThatWouldOverflowAnInstantIsRefused() throws IOException {
        Files.writeString(
                folder.resolve("forever.yaml"),
                "name: forever\nrotateEvery: PT2562047788015215H\noverlap: PT2H\nrotateBeforeExpiry: PT1H\n");

        assertThatThrownBy(() -> RotationPolicies.parse(folder.resolve("forever.yaml"), HOUR, MONTH))
                .hasMessageContaining("rotateEvery must be at most P3650D");
    }

    @Test
    void aFolderWithoutADefaultPolicyIsRefused() throws IOException {
        Files.writeString(
                folder.resolve("only.yaml"), "name: only\nrotateEvery: P1D\noverlap: PT2H\nrotateBeforeExpiry: PT2H\n");

        assertThatThrownBy(() -> RotationPolicies.load(folder, HOUR, MONTH))
                .hasMessageContaining("'default' is required");
    }

    @Test
    void theShortestIntervalCountsTheScheduleTheCronGapsAndTheVersionLifetime() throws IOException {
        Files.writeString(
                folder.resolve("cron.yaml"),
                "name: cron\ncron: \"0 0/5 * * * ?\"\noverlap: PT1H\nrotateBeforeExpiry: PT1H\n");
        Files.writeString(
                folder.resolve("lifetime.yaml"),
                "name: lifetime\nrotateEvery: P1D\noverlap: PT1H\nrotateBeforeExpiry: PT2H\nkeyLifetime: PT4H\n");

        assertThat(RotationPolicies.parse(folder.resolve("cron.yaml"), HOUR, MONTH)
                        .shortestInterval())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(RotationPolicies.parse(folder.resolve("lifetime.yaml"), HOUR, MONTH)
                        .shortestInterval())
                .as("a version living 4 h, replaced 2 h before it expires, rotates every 2 h")
                .isEqualTo(Duration.ofHours(2));
        assertThat(RotationPolicies.load(Path.of("policies/rotation"), HOUR, MONTH)
                        .get("default")
                        .shortestInterval())
                .isEqualTo(Duration.ofDays(90));
    }

    @Test
    void theNextRotationIsOnScheduleOrBeforeExpiryWhicheverComesFirst() {
        RotationPolicy policy =
                RotationPolicies.load(Path.of("policies/rotation"), HOUR, MONTH).get("default");
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(policy.nextRotation(issued, null)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(policy.nextRotation(issued, Instant.parse("2026-02-01T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-01-25T00:00:00Z"));
    }

    @Test
    void cronPoliciesFollowTheirTimeZone() {
        RotationPolicy batch =
                RotationPolicies.load(Path.of("policies/rotation"), HOUR, MONTH).get("batch-jobs");

        // 02:00 in Berlin on 1 December is 01:00 UTC (CET, UTC+1)
        assertThat(batch.nextRotation(Instant.parse("2026-11-23T12:00:00Z"), null))
                .isEqualTo(Instant.parse("2026-12-01T01:00:00Z"));
    }
}
