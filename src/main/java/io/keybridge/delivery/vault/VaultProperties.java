package io.keybridge.delivery.vault;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How keybridge reaches Vault. {@code uri} and {@code token} default to {@code VAULT_ADDR} and {@code VAULT_TOKEN}, as
 * for Vault's own tools.
 *
 * @param uri Vault's address
 * @param authentication {@code token} or {@code approle}
 * @param token the token, for token authentication
 * @param tokenFile a file that holds the token instead, re-read whenever it changes
 * @param appRole role id, secret id (or a file that holds it) and mount path, for AppRole authentication
 * @param kubernetes role, mount path and service-account token file, for Kubernetes authentication
 * @param jwt role, mount path and token file, for JWT authentication (a workload's OIDC identity)
 * @param cert role (optional) and mount path, for TLS certificate authentication with {@code tls.client-cert}
 * @param namespace Vault Enterprise namespace ({@code VAULT_NAMESPACE}); empty for none
 * @param mount the KV v2 mount keys are written to
 * @param root the folder under the mount that keybridge owns; every destination path lives below it
 * @param maxConnections how many connections to Vault keybridge keeps open at most: the rotations and issuances that
 *     run at once share them, and one that finds none free waits up to {@code read-timeout} for one
 * @param tls the CA certificates to trust and the client certificate to present, as Vault's own tools take them
 */
@ConfigurationProperties("keybridge.vault")
record VaultProperties(
        @DefaultValue("http://127.0.0.1:8200") URI uri,
        @DefaultValue("token") Authentication authentication,
        @Nullable String token,
        @Nullable String tokenFile,
        @DefaultValue AppRole appRole,
        @DefaultValue Kubernetes kubernetes,
        @DefaultValue Jwt jwt,
        @DefaultValue Cert cert,
        @Nullable String namespace,
        @DefaultValue("secret") String mount,
        @DefaultValue("keybridge") String root,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("15s") Duration readTimeout,
        @DefaultValue("32") int maxConnections,
        @DefaultValue Tls tls) {

    /** The most keybridge accepts: far more connections than this to one Vault would be a misconfiguration. */
    static final int MAX_CONNECTIONS_LIMIT = 1024;

    VaultProperties {
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
            throw new IllegalArgumentException("keybridge.vault.max-connections must be between 1 and "
                    + MAX_CONNECTIONS_LIMIT + ", not " + maxConnections);
        }
    }

    public enum Authentication {
        TOKEN,
        APPROLE,
        KUBERNETES,
        JWT,
        CERT
    }

    public record Kubernetes(
            @Nullable String role,
            @DefaultValue("kubernetes") String path,

            @DefaultValue("/var/run/secrets/kubernetes.io/serviceaccount/token")
            String tokenFile) {}

    public record Jwt(
            @Nullable String role,
            @DefaultValue("jwt") String path,
            @Nullable String tokenFile) {}

    public record Cert(
            @Nullable String role, @DefaultValue("cert") String path) {}

    /**
     * TLS to Vault. Without a CA, the JVM's trust store decides; there is no switch to skip verification.
     *
     * @param caCert a PEM bundle of CA certificates to trust ({@code VAULT_CACERT})
     * @param caPath a folder of PEM CA certificates to trust ({@code VAULT_CAPATH})
     * @param clientCert a PEM client certificate for mutual TLS ({@code VAULT_CLIENT_CERT})
     * @param clientKey its PEM private key, RSA ({@code VAULT_CLIENT_KEY})
     * @param serverName the name to send in SNI and to check Vault's certificate against, when it is not the host of
     *     {@code uri} ({@code VAULT_TLS_SERVER_NAME})
     */
    public record Tls(
            @Nullable String caCert,
            @Nullable String caPath,
            @Nullable String clientCert,
            @Nullable String clientKey,
            @Nullable String serverName) {}

    public record AppRole(
            @Nullable String roleId,
            @Nullable String secretId,
            @Nullable String secretIdFile,
            @DefaultValue("approle") String path) {}
}
