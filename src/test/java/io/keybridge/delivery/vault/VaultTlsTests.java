package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.keybridge.support.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultTlsTests {

    @TempDir
    Path folder;

    @Test
    void aCaFolderTrustsTheCertificatesInItAndLeavesOtherFilesAlone() throws Exception {
        TestCertificates tls = TestCertificates.create(folder.resolve("pki"));
        Path caPath = Files.createDirectories(folder.resolve("ca"));
        Files.copy(tls.ca(), caPath.resolve("ca.pem"));
        Files.writeString(caPath.resolve("README"), "not a certificate\n");

        VaultTls.Context context = VaultTls.context(new VaultProperties.Tls(null, caPath.toString(), null, null, null));

        assertThat(context.privateTrust()).isTrue();
        assertThat(context.clientCertificate()).isFalse();
    }

    @Test
    void brokenSettingsStopStartUpWithOneLineNamingTheSetting() throws Exception {
        TestCertificates tls = TestCertificates.create(folder.resolve("pki"));
        Path empty = Files.createDirectories(folder.resolve("empty"));

        assertThatIllegalStateException()
                .isThrownBy(() -> VaultTls.context(new VaultProperties.Tls(null, empty.toString(), null, null, null)))
                .withMessage("VAULT_CAPATH (keybridge.vault.tls.ca-path) " + empty + " holds no PEM certificate");
        assertThatIllegalStateException()
                .isThrownBy(() -> VaultTls.context(
                        new VaultProperties.Tls(folder.resolve("absent.pem").toString(), null, null, null, null)))
                .withMessageStartingWith("VAULT_CACERT (keybridge.vault.tls.ca-cert) ")
                .withMessageContaining("cannot be read");
        assertThatIllegalStateException()
                .isThrownBy(() -> VaultTls.context(new VaultProperties.Tls(
                        null, null, tls.clientCertificate().toString(), null, null)))
                .withMessageContaining("go together");
        assertThatIllegalStateException()
                .isThrownBy(() -> VaultTls.context(new VaultProperties.Tls(
                        null,
                        null,
                        tls.clientCertificate().toString(),
                        tls.clientCertificate().toString(),
                        null)))
                .withMessageContaining("holds no PEM private key");
    }
}
