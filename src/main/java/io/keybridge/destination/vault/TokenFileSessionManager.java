package io.keybridge.destination.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.vault.VaultException;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.support.VaultToken;

/**
 * The Vault token from a file, re-read whenever the file changes: the way Vault Agent's token sink, a Kubernetes
 * secret or an operator rotating the token hand it over, without restarting keybridge. The token is never logged.
 */
final class TokenFileSessionManager implements SessionManager {

    private static final Logger log = LoggerFactory.getLogger(TokenFileSessionManager.class);

    private final Path file;
    private @Nullable VaultToken token;
    private @Nullable FileTime readAt;
    private long size = -1;

    TokenFileSessionManager(Path file) {
        this.file = file;
        read(); // a missing or empty file stops start-up, naming the setting
    }

    @Override
    public synchronized VaultToken getSessionToken() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt) || Files.size(file) != size) {
                read();
                log.info("Vault token file {} changed: using the token it holds now", file.toAbsolutePath());
            }
        } catch (IOException | IllegalStateException e) {
            // the file is being replaced, or gone: keep the token last read, and say so
            log.warn("Vault token file {} cannot be read ({}); keeping the token read before", file, e.getMessage());
        }
        if (token == null) {
            throw new VaultException("no Vault token: " + file + " could not be read");
        }
        return token;
    }

    private void read() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long length = Files.size(file);
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new IllegalStateException(
                        "KEYBRIDGE_VAULT_TOKEN_FILE (keybridge.vault.token-file) " + file + " is empty");
            }
            token = VaultToken.of(text);
            readAt = modified;
            size = length;
        } catch (IOException e) {
            throw new IllegalStateException("KEYBRIDGE_VAULT_TOKEN_FILE (keybridge.vault.token-file) " + file
                    + " cannot be read: " + e.getMessage());
        }
    }
}
