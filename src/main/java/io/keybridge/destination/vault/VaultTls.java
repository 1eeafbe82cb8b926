package io.keybridge.destination.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.StringUtils;
import org.springframework.vault.support.PemObject;
import org.springframework.vault.support.SslConfiguration;
import org.springframework.vault.support.SslConfiguration.KeyStoreConfiguration;

/**
 * Spring Vault's {@link SslConfiguration} from Vault's own settings ({@code VAULT_CACERT}, {@code VAULT_CAPATH},
 * {@code VAULT_CLIENT_CERT}, {@code VAULT_CLIENT_KEY}). Every file is read and checked at start, so that a wrong path
 * or a file without a certificate stops keybridge with one line naming the setting, not at the first rotation.
 */
final class VaultTls {

    private VaultTls() {}

    static SslConfiguration configuration(VaultProperties.Tls tls) {
        KeyStoreConfiguration trust = KeyStoreConfiguration.unconfigured();
        StringBuilder authorities = new StringBuilder();
        if (StringUtils.hasText(tls.caCert())) {
            authorities.append(certificates("VAULT_CACERT (keybridge.vault.tls.ca-cert)", Path.of(tls.caCert())));
        }
        if (StringUtils.hasText(tls.caPath())) {
            authorities.append(folder(Path.of(tls.caPath())));
        }
        if (!authorities.isEmpty()) {
            trust = pem(authorities.toString());
        }
        boolean cert = StringUtils.hasText(tls.clientCert());
        boolean key = StringUtils.hasText(tls.clientKey());
        if (cert != key) {
            throw new IllegalStateException("VAULT_CLIENT_CERT and VAULT_CLIENT_KEY (keybridge.vault.tls.client-cert,"
                    + " .client-key) go together: set both for mutual TLS, or neither");
        }
        KeyStoreConfiguration identity = KeyStoreConfiguration.unconfigured();
        if (cert) {
            String certificate =
                    certificates("VAULT_CLIENT_CERT (keybridge.vault.tls.client-cert)", Path.of(tls.clientCert()));
            String privateKey = read("VAULT_CLIENT_KEY (keybridge.vault.tls.client-key)", Path.of(tls.clientKey()));
            if (PemObject.parse(privateKey).stream().noneMatch(PemObject::isPrivateKey)) {
                throw new IllegalStateException("VAULT_CLIENT_KEY (keybridge.vault.tls.client-key) " + tls.clientKey()
                        + " holds no PEM private key");
            }
            return new SslConfiguration(
                    identity(certificate, privateKey, tls.clientKey()),
                    SslConfiguration.KeyConfiguration.of(IDENTITY_PASSWORD, IDENTITY_ALIAS),
                    trust);
        }
        return new SslConfiguration(identity, trust);
    }

    private static final String IDENTITY_ALIAS = "keybridge";

    /** Protects the in-memory key store only: it never leaves the process. */
    private static final char[] IDENTITY_PASSWORD = "in-memory".toCharArray();

    /**
     * The client certificate and key as a PKCS#12 key store in memory: Spring Vault's PEM key stores hold certificates
     * only, and Vault's tools take the certificate and the key as two files.
     */
    private static KeyStoreConfiguration identity(String certificate, String privateKey, String keyFile) {
        try {
            java.security.PrivateKey key =
                    org.springframework.boot.ssl.pem.PemContent.of(privateKey).getPrivateKey();
            List<java.security.cert.X509Certificate> chain =
                    org.springframework.boot.ssl.pem.PemContent.of(certificate).getCertificates();
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    IDENTITY_ALIAS, key, IDENTITY_PASSWORD, chain.toArray(java.security.cert.Certificate[]::new));
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            store.store(bytes, IDENTITY_PASSWORD);
            return KeyStoreConfiguration.of(new ByteArrayResource(bytes.toByteArray()), IDENTITY_PASSWORD, "PKCS12");
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("VAULT_CLIENT_KEY (keybridge.vault.tls.client-key) " + keyFile
                    + " and VAULT_CLIENT_CERT do not make a usable key pair: " + e.getMessage());
        }
    }

    /** The PEM certificates of a file, which must hold at least one. */
    private static String certificates(String setting, Path file) {
        String text = read(setting, file);
        List<PemObject> objects = parse(text);
        if (objects.stream().noneMatch(PemObject::isCertificate)) {
            throw new IllegalStateException(setting + " " + file + " holds no PEM certificate");
        }
        return text + "\n";
    }

    /** Every PEM certificate in the folder's files (other files are left alone, as Vault's tools do). */
    private static String folder(Path folder) {
        String setting = "VAULT_CAPATH (keybridge.vault.tls.ca-path)";
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException(setting + " " + folder + " is not a folder");
        }
        StringBuilder found = new StringBuilder();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    String text = Files.readString(file, StandardCharsets.US_ASCII);
                    if (parse(text).stream().anyMatch(PemObject::isCertificate)) {
                        found.append(text).append('\n');
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(setting + " " + folder + " cannot be read: " + e.getMessage());
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(setting + " " + folder + " holds no PEM certificate");
        }
        return found.toString();
    }

    private static List<PemObject> parse(String text) {
        try {
            return PemObject.parse(text);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static String read(String setting, Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(setting + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static KeyStoreConfiguration pem(@Nullable String text) {
        return KeyStoreConfiguration.of(
                new ByteArrayResource(text.getBytes(StandardCharsets.US_ASCII)),
                null,
                SslConfiguration.PEM_KEYSTORE_TYPE);
    }
}
