package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class ApiTokensTests {

    @TempDir
    Path data;

    @Test
    void aFirstRunWritesAGeneratedAdminTokenOnlyItsOwnerCanReadAndNeverLogsIt(CapturedOutput output) throws Exception {
        Path file = data.resolve("admin-token");

        ApiTokens tokens = new ApiTokens(new SecurityProperties(List.of(), null, file, List.of()), new SecureRandom());

        String token = Files.readString(file).strip();
        assertThat(token).startsWith("kbt_").hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(tokens.find(token))
                .hasValueSatisfying(caller -> assertThat(caller.roles()).containsExactly(Role.ADMIN));
        assertThat(output.getAll()).contains(file.toAbsolutePath().toString()).doesNotContain(token);
        assertThat(new ApiTokens(new SecurityProperties(List.of(), null, file, List.of()), new SecureRandom())
                        .find(token))
                .as("the next start reuses the file")
                .isPresent();
    }

    @Test
    void anAdminTokenFromTheEnvironmentWinsAndNoFileIsWritten() {
        Path file = data.resolve("admin-token");

        ApiTokens tokens =
                new ApiTokens(new SecurityProperties(List.of(), "s3cret-admin", file, List.of()), new SecureRandom());

        assertThat(tokens.find("s3cret-admin")).isPresent();
        assertThat(file).doesNotExist();
    }

    @Test
    void anAdminTokenFileThatIsReplacedTakesEffectAtOnceWithoutARestart(CapturedOutput output) throws Exception {
        Path file = data.resolve("mounted-admin-token");
        Files.writeString(file, "kbt_first-admin-token\n");
        ApiTokens tokens = new ApiTokens(new SecurityProperties(List.of(), null, file, List.of()), new SecureRandom());
        assertThat(tokens.find("kbt_first-admin-token")).isPresent();

        // a Kubernetes secret is updated by swapping the file: same length here, so only its time tells
        Files.writeString(file, "kbt_other-admin-token\n");
        Files.setLastModifiedTime(
                file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));

        assertThat(tokens.find("kbt_other-admin-token"))
                .hasValueSatisfying(caller -> assertThat(caller.roles()).containsExactly(Role.ADMIN));
        assertThat(tokens.find("kbt_first-admin-token"))
                .as("the replaced token")
                .isEmpty();
        assertThat(output.getAll()).doesNotContain("kbt_first-admin-token").doesNotContain("kbt_other-admin-token");
    }

    @Test
    void configuredTokensAreKnownByHashWithTheirRoles() {
        SecurityProperties.Token gateway =
                new SecurityProperties.Token("gateway", ApiTokens.sha256("gw-token"), Set.of(Role.VERIFIER));

        ApiTokens tokens = new ApiTokens(
                new SecurityProperties(List.of(gateway), "admin-token", data.resolve("f"), List.of()),
                new SecureRandom());

        assertThat(tokens.find("gw-token")).hasValueSatisfying(caller -> {
            assertThat(caller.name()).isEqualTo("gateway");
            assertThat(caller.roles()).containsExactly(Role.VERIFIER);
        });
        assertThat(tokens.find("GW-TOKEN")).isEmpty();
        assertThat(tokens.find(ApiTokens.sha256("gw-token")))
                .as("the hash is not a token")
                .isEmpty();
    }

    @Test
    void badTokenConfigurationStopsStartUpWithAClearMessage() {
        var notAHash = new SecurityProperties.Token("gateway", "plain-token", Set.of(Role.VERIFIER));
        var noRoles = new SecurityProperties.Token("nobody", ApiTokens.sha256("x"), Set.of());

        assertThatIllegalStateException()
                .isThrownBy(() -> new ApiTokens(
                        new SecurityProperties(List.of(notAHash), "a", data, List.of()), new SecureRandom()))
                .withMessageContaining("gateway")
                .withMessageContaining("sha256");
        assertThatIllegalStateException()
                .isThrownBy(() -> new ApiTokens(
                        new SecurityProperties(List.of(noRoles), "a", data, List.of()), new SecureRandom()))
                .withMessageContaining("no roles");
    }
}
