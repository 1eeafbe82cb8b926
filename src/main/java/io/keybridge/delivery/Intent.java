package io.keybridge.delivery;

/**
 * What a write is about to do at a destination, worked out before anything is written so that it can be recorded
 * first: after a crash, keybridge knows which remote version to look for and clean up.
 *
 * @param remoteVersion the destination's version id the write will create (Vault: the next KV version number)
 * @param createsPath whether the write creates the secret (so removing the version may remove the secret whole)
 * @param metadataCurrent whether the destination's metadata already names this key as the secret's owner, so that
 *     the write need not set it again (not recorded: after a crash it is simply set again)
 */
public record Intent(String remoteVersion, boolean createsPath, boolean metadataCurrent) {

    public Intent(String remoteVersion, boolean createsPath) {
        this(remoteVersion, createsPath, false);
    }
}
