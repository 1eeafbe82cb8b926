package io.keybridge.delivery.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.util.StringUtils;
import org.springframework.vault.support.PemObject;

/**
 * The TLS context for Vault from Vault's own settings ({@code VAULT_CACERT}, {@code VAULT_CAPATH},
 * {@code VAULT_CLIENT_CERT}, {@code VAULT_CLIENT_KEY}). Every file is read and checked at start, so that a wrong path
 * or a file without a certificate stops keybridge with one line naming the setting, not at the first rotation.
 */
final class VaultTls {

    private VaultTls() {}

    /** What {@link #context} made of the settings, for the health and the tests. */
    record Context(SSLContext sslContext, boolean privateTrust, boolean clientCertificate) {}

    static Context context(VaultProperties.Tls tls) {
        StringBuilder authorities = new StringBuilder();
        if (StringUtils.hasText(tls.caCert())) {
            authorities.append(certificates("VAULT_CACERT (keybridge.vault.tls.ca-cert)", Path.of(tls.caCert())));
        }
        if (StringUtils.hasText(tls.caPath())) {
            authorities.append(folder(Path.of(tls.caPath())));
        }
        boolean cert = StringUtils.hasText(tls.clientCert());
        boolean key = StringUtils.hasText(tls.clientKey());
        if (cert != key) {
            throw new IllegalStateException("VAULT_CLIENT_CERT and VAULT_CLIENT_KEY (keybridge.vault.tls.client-cert,"
                    + " .client-key) go together: set both for mutual TLS, or neither");
        }
        KeyManager[] identity = null;
        if (cert) {
            String certificate =
                    certificates("VAULT_CLIENT_CERT (keybridge.vault.tls.client-cert)", Path.of(tls.clientCert()));
            String privateKey = read("VAULT_CLIENT_KEY (keybridge.vault.tls.client-key)", Path.of(tls.clientKey()));
            if (PemObject.parse(privateKey).stream().noneMatch(PemObject::isPrivateKey)) {
                throw new IllegalStateException("VAULT_CLIENT_KEY (keybridge.vault.tls.client-key) " + tls.clientKey()
                        + " holds no PEM private key");
            }
            identity = identity(certificate, privateKey, tls.clientKey());
        }
        try {
            // without a CA of its own, the JVM's trust store decides (null: TrustManagerFactory's default)
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(authorities.isEmpty() ? null : trustStore(authorities.toString()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity, trust.getTrustManagers(), null);
            return new Context(context, !authorities.isEmpty(), cert);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the TLS settings for Vault (VAULT_CACERT, VAULT_CAPATH) do not make a"
                    + " usable trust store: " + e.getMessage());
        }
    }

    private static KeyStore trustStore(String authorities) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (X509Certificate certificate : PemContent.of(authorities).getCertificates()) {
            store.setCertificateEntry("ca-" + n++, certificate);
        }
        return store;
    }

    /** Protects the in-memory key store only: it never leaves the process. */
    private static final char[] IDENTITY_PASSWORD = "in-memory".toCharArray();

    /** The client certificate and key, as a key manager over an in-memory key store. */
    private static KeyManager[] identity(String certificate, String privateKey, String keyFile) {
        try {
            PrivateKey key = PemContent.of(privateKey).getPrivateKey();
            List<X509Certificate> chain = PemContent.of(certificate).getCertificates();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("keybridge", key, IDENTITY_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IDENTITY_PASSWORD);
            return factory.getKeyManagers();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
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
}
