package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The policy loader over generated files: whatever a file holds, loading either yields a policy that keeps the
 * loader's promises or fails with a {@link RotationPolicyException} naming the file; never another exception, never a
 * policy that would revoke a key before consumers could re-read it.
 */
class RotationPolicyProperties {

    private static final Duration MINIMUM_OVERLAP = Duration.ofHours(1);
    private static final Duration MAXIMUM_OVERLAP = Duration.ofDays(30);
    private Path folder;

    @BeforeProperty
    void folder() throws IOException {
        folder = Files.createTempDirectory("policies");
    }

    @AfterProperty
    void cleanUp() throws IOException {
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }

    @Property(tries = 2000)
    void anyPolicyFileLoadsSafelyOrIsRefusedByName(@ForAll("policyFiles") String content) throws IOException {
        Path file = folder.resolve("generated.yaml");
        Files.writeString(file, content);
        RotationPolicy policy;
        try {
            policy = RotationPolicies.parse(file, MINIMUM_OVERLAP, MAXIMUM_OVERLAP);
        } catch (RotationPolicyException refused) {
            assertThat(refused).hasMessageStartingWith("rotation policy generated.yaml: ");
            return;
        }
        assertThat(policy.overlap()).isBetween(MINIMUM_OVERLAP, MAXIMUM_OVERLAP);
        assertThat(policy.rotateEvery() == null).isNotEqualTo(policy.cron() == null);
        if (policy.rotateEvery() != null) {
            assertThat(policy.overlap()).isLessThan(policy.rotateEvery());
        }
        if (policy.keyLifetime() != null) {
            assertThat(policy.keyLifetime())
                    .isGreaterThan(policy.rotateBeforeExpiry().plus(policy.overlap()));
        }
    }

    @Property(tries = 1000)
    void bytesThatAreNotYamlAreRefusedByName(@ForAll byte[] bytes) throws IOException {
        Path file = folder.resolve("noise.yaml");
        Files.write(file, bytes);
        try {
            RotationPolicies.parse(file, MINIMUM_OVERLAP, MAXIMUM_OVERLAP);
        } catch (RotationPolicyException refused) {
            assertThat(refused).hasMessageStartingWith("rotation policy noise.yaml: ");
        }
    }

    @Property(tries = 200)
    void aFolderWithoutADefaultPolicyIsRefused(@ForAll("names") String name) throws IOException {
        Files.writeString(
                folder.resolve(name + ".yaml"),
                "name: " + name + "\nrotateEvery: P30D\noverlap: PT2H\nrotateBeforeExpiry: P1D\n");
        if (name.equals("default")) {
            return;
        }
        assertThatThrownBy(() -> RotationPolicies.load(folder, MINIMUM_OVERLAP, MAXIMUM_OVERLAP))
                .isInstanceOf(RotationPolicyException.class)
                .hasMessageContaining("default.yaml");
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> policyFiles() {
        Arbitrary<String> duration = Arbitraries.oneOf(
                Arbitraries.of("PT0S", "PT1S", "PT59M", "PT1H", "PT2H", "PT24H", "P1D", "P7D", "P30D", "P90D", "P365D"),
                Arbitraries.of("-PT1H", "90 days", "", "P", "PT", "1h", "null", "~", "P99999999D"));
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("name: default", "name: x", "name: Bad Name", "name: ''", "name: [a, b]"),
                duration.map(d -> "rotateEvery: " + d),
                duration.map(d -> "overlap: " + d),
                duration.map(d -> "rotateBeforeExpiry: " + d),
                duration.map(d -> "keyLifetime: " + d),
                duration.map(d -> "drainQuiet: " + d),
                Arbitraries.of(
                        "cron: 0 0 2 * * ?",
                        "cron: not a cron",
                        "timeZone: Europe/Berlin",
                        "timeZone: Mars/Olympus",
                        "revokeAtDestination: destroy",
                        "revokeAtDestination: keep",
                        "revokeAtDestination: shred",
                        "revokeOldWhen: drained",
                        "revokeOldWhen: overlapEnds",
                        "unknown: 1",
                        "- a list item",
                        "{{{",
                        "!!java.lang.Runtime {}"));
        return line.list().ofMaxSize(9).map(lines -> String.join("\n", lines) + "\n");
    }
}
