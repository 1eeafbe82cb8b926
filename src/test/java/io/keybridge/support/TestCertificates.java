package io.keybridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA, keybridge's server certificate (for 127.0.0.1 and localhost) and a gateway's client certificate
 * ({@code CN=gateway-mtls}), made with openssl as a platform's PKI would hand them out.
 */
public record TestCertificates(Path folder) {

    public static final String CLIENT_COMMON_NAME = "gateway-mtls";

    public static TestCertificates create(Path folder) {
        try {
            Files.createDirectories(folder);
            openssl(
                    folder,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=keybridge test CA",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem");
            issue(
                    folder,
                    "server",
                    "/CN=keybridge",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth");
            issue(folder, "client", "/CN=" + CLIENT_COMMON_NAME, "extendedKeyUsage=clientAuth");
            return new TestCertificates(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Another server certificate from this CA, for the given names only ({@code DNS:vault.internal.test}): files
     * {@code <name>.pem} and {@code <name>.key}.
     */
    public Path issueServer(String name, String subjectAltNames) {
        try {
            issue(folder, name, "/CN=" + name, "subjectAltName=" + subjectAltNames + "\nextendedKeyUsage=serverAuth");
            return folder.resolve(name + ".pem");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return folder.resolve("ca.pem");
    }

    public Path serverCertificate() {
        return folder.resolve("server.pem");
    }

    public Path serverKey() {
        return folder.resolve("server.key");
    }

    public Path clientCertificate() {
        return folder.resolve("client.pem");
    }

    public Path clientKey() {
        return folder.resolve("client.key");
    }

    /** keybridge's arguments: TLS with this server certificate, client certificates from this CA asked for. */
    public List<String> serverArguments() {
        return List.of(
                "--server.ssl.bundle=keybridge",
                "--spring.ssl.bundle.pem.keybridge.keystore.certificate=file:"
                        + serverCertificate().toAbsolutePath(),
                "--spring.ssl.bundle.pem.keybridge.keystore.private-key=file:"
                        + serverKey().toAbsolutePath(),
                "--spring.ssl.bundle.pem.keybridge.truststore.certificate=file:" + ca().toAbsolutePath(),
                "--server.ssl.client-auth=want");
    }

    /** A client context that trusts the CA. */
    public SSLContext trustingClient() {
        try (InputStream in = Files.newInputStream(ca())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void issue(Path folder, String name, String subject, String extensions) throws IOException {
        Files.writeString(folder.resolve(name + ".ext"), extensions + "\n");
        openssl(
                folder,
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                subject,
                "-keyout",
                name + ".key",
                "-out",
                name + ".csr");
        openssl(
                folder,
                "x509",
                "-req",
                "-in",
                name + ".csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                name + ".ext",
                "-out",
                name + ".pem");
    }

    private static void openssl(Path folder, String... arguments) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", arguments) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
