package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The login methods' settings, checked at start. Kubernetes needs a Kubernetes API to review its tokens, which these
 * machines cannot run: its configuration is tested here, and the JWT method, which takes the same projected token, is
 * tested against OpenBao ({@code VaultJwtLoginIntegrationTests}).
 */
class VaultLoginConfigurationTests {

    @TempDir
    Path folder;

    @Test
    void kubernetesNeedsARoleAndAReadableServiceAccountTokenAndBuildsWithoutCallingVault() throws Exception {
        Path token = Files.writeString(folder.resolve("token"), "a-projected-token\n");

        assertThatIllegalStateException()
                .isThrownBy(() -> build(VaultProperties.Authentication.KUBERNETES, null, token.toString(), null))
                .withMessage("keybridge.vault.kubernetes.role (KEYBRIDGE_VAULT_KUBERNETES_ROLE) is not set");
        assertThatIllegalStateException()
                .isThrownBy(() -> build(
                        VaultProperties.Authentication.KUBERNETES,
                        "keybridge",
                        folder.resolve("absent").toString(),
                        null))
                .withMessageContaining("keybridge.vault.kubernetes.token-file")
                .withMessageContaining("does not exist or cannot be read");
        assertThat(build(VaultProperties.Authentication.KUBERNETES, "keybridge", token.toString(), null))
                .isNotNull();
    }

    @Test
    void jwtNeedsATokenFileAndCertNeedsAClientCertificate() {
        assertThatIllegalStateException()
                .isThrownBy(() -> build(VaultProperties.Authentication.JWT, "keybridge", null, null))
                .withMessageContaining("keybridge.vault.jwt.token-file");
        assertThatIllegalStateException()
                .isThrownBy(() -> build(VaultProperties.Authentication.CERT, null, null, null))
                .withMessageContaining("VAULT_CLIENT_CERT");
    }

    private static Object build(VaultProperties.Authentication method, String role, String tokenFile, String jwtFile) {
        VaultProperties properties = TestVaultProperties.of(
                URI.create("https://vault.example.com:8200"),
                method,
                null,
                new VaultProperties.AppRole(null, null, null, "approle"),
                new VaultProperties.Kubernetes(
                        role, "kubernetes", tokenFile == null ? "/var/run/secrets/none" : tokenFile),
                new VaultProperties.Jwt(role, "jwt", jwtFile),
                new VaultProperties.Tls(null, null, null, null, null));
        return new VaultConfiguration().vaultTemplate(properties, new ThreadPoolTaskScheduler());
    }
}
