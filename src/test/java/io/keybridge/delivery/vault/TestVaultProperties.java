package io.keybridge.delivery.vault;

import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** {@link VaultProperties} for tests that build the Vault client themselves: the defaults, but for what they vary. */
final class TestVaultProperties {

    private TestVaultProperties() {}

    static VaultProperties of(
            URI uri,
            VaultProperties.Authentication authentication,
            @Nullable String token,
            VaultProperties.AppRole appRole,
            VaultProperties.Tls tls) {
        return of(
                uri,
                authentication,
                token,
                appRole,
                new VaultProperties.Kubernetes(
                        null, "kubernetes", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                new VaultProperties.Jwt(null, "jwt", null),
                tls);
    }

    static VaultProperties of(
            URI uri,
            VaultProperties.Authentication authentication,
            @Nullable String token,
            VaultProperties.AppRole appRole,
            VaultProperties.Kubernetes kubernetes,
            VaultProperties.Jwt jwt,
            VaultProperties.Tls tls) {
        return new VaultProperties(
                uri,
                authentication,
                token,
                null,
                appRole,
                kubernetes,
                jwt,
                new VaultProperties.Cert(null, "cert"),
                null,
                "secret",
                "keybridge",
                Duration.ofSeconds(5),
                Duration.ofSeconds(15),
                32,
                tls);
    }
}
