package io.keybridge.delivery.vault;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * keybridge's Vault token from a file ({@code KEYBRIDGE_VAULT_TOKEN_FILE}), as Vault Agent's sink or a Kubernetes
 * secret hands it over: the file is replaced with a new token and the old one revoked, and keybridge goes on with the
 * new one, without a restart.
 */
@ExtendWith(OpenBaoExtension.class)
class VaultTokenFileIntegrationTests {

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aReplacedTokenFileIsReadAgainAndTheOldTokenCanBeRevoked() throws Exception {
        Path folder = Path.of("target/vault-token-file/" + run).toAbsolutePath();
        Files.createDirectories(folder);
        String first = token();
        String second = token();
        Path file = Files.writeString(folder.resolve("vault-token"), first + "\n");
        String name = "vault-token-file-" + run;
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(
                folder.resolve("keybridge"),
                name,
                List.of(),
                Map.of("VAULT_TOKEN", "", "KEYBRIDGE_VAULT_TOKEN_FILE", file.toString()))) {
            assertThat(issue(keybridge.api(), "before").status()).isEqualTo(201);

            // as Kubernetes and Vault Agent do: the new file is moved over the old one, then the old token dies
            Path next = Files.writeString(folder.resolve("vault-token.next"), second + "\n");
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(bao.root("POST", "auth/token/revoke", "{\"token\":\"" + first + "\"}")
                            .status())
                    .isEqualTo(204);
            Api.Response after = issue(keybridge.api(), "after");

            assertThat(after.status()).as(after.body()).isEqualTo(201);
        }
        String log = Files.readString(Path.of("target/crash-tests/" + name + ".log"));
        assertThat(log).contains("KEYBRIDGE_VAULT_TOKEN_FILE (keybridge.vault.token-file) " + file + " changed");
        assertThat(log).doesNotContain(first).doesNotContain(second);
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/" + name + ".log"));
    }

    private String token() {
        OpenBao.Response created =
                bao.root("POST", "auth/token/create", "{\"policies\":[\"keybridge\"],\"ttl\":\"1h\"}");
        assertThat(created.status()).isEqualTo(200);
        return created.json().path("auth").path("client_token").asString();
    }

    private Api.Response issue(Api api, String label) {
        String path = "token-file-" + run + "/" + label + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(label + "-" + run, "platform", null, List.of(KeyRequests.vault(path))));
        if (created.status() == 201) {
            SecretHygiene.remember(bao.keyAt(path));
        }
        return created;
    }
}
