package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.keybridge.delivery.Intent;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.core.VaultTemplate;

/** keybridge authenticates with AppRole (role id + secret id) as configured, and delivers with the session it gets. */
@ExtendWith(OpenBaoExtension.class)
class VaultAppRoleIntegrationTests {

    private final OpenBao bao = OpenBaoExtension.server();

    @Test
    void keybridgeDeliversWithAnAppRoleLogin() {
        String mount = "approle-" + UUID.randomUUID().toString().substring(0, 8);
        bao.root("POST", "sys/auth/" + mount, "{\"type\":\"approle\"}");
        bao.root(
                "POST",
                "auth/" + mount + "/role/keybridge",
                "{\"token_policies\":[\"keybridge\"],\"token_ttl\":\"1h\"}");
        String roleId = roleId(mount);
        String secretId = secretId(mount);
        VaultProperties properties = properties(new VaultProperties.AppRole(roleId, secretId, null, mount));
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        try {
            VaultTemplate template = new VaultConfiguration().vaultTemplate(properties, scheduler);
            VaultKvDestination destination = new VaultKvDestination(template, properties);
            Delivered delivered = deliver(destination);
            String path = delivered.path();
            UUID keyId = delivered.keyId();

            OpenBao.Cli read =
                    bao.bao(bao.consumerToken(path), "kv", "get", "-field=key_id", "secret/keybridge/" + path);
            assertThat(read.stdout().strip()).isEqualTo(keyId.toString());
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void theSecretIdComesFromAFileThatIsReadAgainAtEveryLogin(@TempDir Path folder) throws Exception {
        String mount = "approle-" + UUID.randomUUID().toString().substring(0, 8);
        bao.root("POST", "sys/auth/" + mount, "{\"type\":\"approle\"}");
        // tokens that cannot be renewed past 5 s: every few seconds keybridge must log in again
        bao.root(
                "POST",
                "auth/" + mount + "/role/keybridge",
                "{\"token_policies\":[\"keybridge\"],\"token_ttl\":\"5s\",\"token_max_ttl\":\"5s\"}");
        String roleId = roleId(mount);
        String firstSecretId = secretId(mount);
        Path file = Files.writeString(folder.resolve("secret-id"), firstSecretId + "\n");
        VaultProperties properties = properties(new VaultProperties.AppRole(roleId, null, file.toString(), mount));
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        try {
            VaultTemplate template = new VaultConfiguration().vaultTemplate(properties, scheduler);
            VaultKvDestination destination = new VaultKvDestination(template, properties);
            deliver(destination);

            // the operator hands keybridge a new secret id and destroys the old one: no login with it works any more
            String secondSecretId = secretId(mount);
            Path next = Files.writeString(folder.resolve("secret-id.next"), secondSecretId);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(bao.root(
                                    "POST",
                                    "auth/" + mount + "/role/keybridge/secret-id/destroy",
                                    "{\"secret_id\":\"" + firstSecretId + "\"}")
                            .status())
                    .isEqualTo(204);
            Instant switched = Instant.now();
            int deliveries = 0;
            // three token lifetimes: three logins at least, each with the secret id the file holds now
            while (Instant.now().isBefore(switched.plusSeconds(16))) {
                deliver(destination);
                deliveries++;
            }
            assertThat(deliveries).isPositive();
        } finally {
            scheduler.shutdown();
        }
    }

    private String roleId(String mount) {
        return bao.root("GET", "auth/" + mount + "/role/keybridge/role-id", null)
                .json()
                .path("data")
                .path("role_id")
                .asString();
    }

    private String secretId(String mount) {
        return bao.root("POST", "auth/" + mount + "/role/keybridge/secret-id", "{}")
                .json()
                .path("data")
                .path("secret_id")
                .asString();
    }

    private record Delivered(String path, UUID keyId) {}

    /** Delivers a new key's first version, and checks it is there: throws if the write failed. */
    private Delivered deliver(VaultKvDestination destination) {
        String path = "approle-" + UUID.randomUUID() + "/api-key";
        UUID keyId = UUID.randomUUID();
        try (KeyMaterial material = new KeyFormat("ee").generate(Environment.TEST, new SecureRandom())) {
            SecretPayload payload = new SecretPayload(
                    keyId,
                    UUID.randomUUID(),
                    "ops",
                    material.displayPrefix(),
                    Environment.TEST,
                    new TreeSet<>(List.of("lists:read")),
                    Instant.now(),
                    null);
            Intent intent = destination.prepare(path, payload);
            destination.write(path, intent, payload, material);
            destination.confirm(path, intent, payload);
        }
        assertThat(bao.root("GET", "secret/data/keybridge/" + path, null)
                        .json()
                        .path("data")
                        .path("data")
                        .path("key_id")
                        .asString())
                .isEqualTo(keyId.toString());
        return new Delivered(path, keyId);
    }

    @Test
    void incompleteAppRoleSettingsStopStartUpWithAClearMessage() {
        VaultProperties properties = properties(new VaultProperties.AppRole("role", null, null, "approle"));

        assertThatIllegalStateException()
                .isThrownBy(() -> new VaultConfiguration().vaultTemplate(properties, new ThreadPoolTaskScheduler()))
                .withMessageContaining("secret-id");
    }

    private VaultProperties properties(VaultProperties.AppRole appRole) {
        return TestVaultProperties.of(
                URI.create(bao.address()),
                VaultProperties.Authentication.APPROLE,
                null,
                appRole,
                new VaultProperties.Tls(null, null, null, null, null));
    }
}
