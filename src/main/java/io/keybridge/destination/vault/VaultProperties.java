package io.keybridge.destination.vault;

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
 * @param appRole role id, secret id and mount path, for AppRole authentication
 * @param namespace Vault Enterprise namespace ({@code VAULT_NAMESPACE}); empty for none
 * @param mount the KV v2 mount keys are written to
 * @param root the folder under the mount that keybridge owns; every destination path lives below it
 */
@ConfigurationProperties("keybridge.vault")
public record VaultProperties(
        @DefaultValue("http://127.0.0.1:8200") URI uri,
        @DefaultValue("token") Authentication authentication,
        @Nullable String token,
        @DefaultValue AppRole appRole,
        @Nullable String namespace,
        @DefaultValue("secret") String mount,
        @DefaultValue("keybridge") String root,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("15s") Duration readTimeout) {

    public enum Authentication {
        TOKEN,
        APPROLE
    }

    public record AppRole(
            @Nullable String roleId,
            @Nullable String secretId,
            @DefaultValue("approle") String path) {}
}
