package io.keybridge.security;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer tokens and their roles.
 *
 * @param tokens tokens as SHA-256 hashes (hex) with a name (the actor in the audit log) and roles
 * @param adminToken an admin token given in clear, usually through {@code KEYBRIDGE_ADMIN_TOKEN}
 * @param adminTokenFile where a generated admin token is kept (mode 0600) when no token is configured at all
 * @param certificates TLS client certificates (mutual TLS, {@code server.ssl.client-auth: want}) by the common name of
 *     their subject, for gateways that cannot send a token header; the trust store of {@code server.ssl} decides
 *     which issuers count
 */
@ConfigurationProperties("keybridge.security")
record SecurityProperties(
        List<Token> tokens,
        @Nullable String adminToken,
        @DefaultValue("data/admin-token") Path adminTokenFile,
        List<Certificate> certificates) {

    public SecurityProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** A client certificate keybridge knows, by its subject's common name: the actor in the audit log and its roles. */
    public record Certificate(String name, String commonName, Set<Role> roles) {}

    /** A configured token: only its SHA-256 is known to keybridge. */
    public record Token(String name, String sha256, Set<Role> roles) {}
}
