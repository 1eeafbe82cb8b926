package io.keybridge.delivery.vault;

import io.keybridge.config.SecretFile;
import java.nio.file.Path;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.support.VaultToken;

/**
 * The Vault token from a file, re-read whenever the file changes: the way Vault Agent's token sink, a Kubernetes
 * secret or an operator rotating the token hand it over, without restarting keybridge. The token is never logged.
 */
final class TokenFileSessionManager implements SessionManager {

    private final SecretFile file;

    TokenFileSessionManager(Path file) {
        // a missing or empty file stops start-up, naming the setting
        this.file = new SecretFile(file, "KEYBRIDGE_VAULT_TOKEN_FILE (keybridge.vault.token-file)");
    }

    @Override
    public VaultToken getSessionToken() {
        return VaultToken.of(file.get());
    }
}
