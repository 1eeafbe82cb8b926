package io.keybridge.delivery;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

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

    /** How a version a store assigns is recorded until the store has named it: keybridge's own version id after it. */
    private static final String ASSIGNED_BY_STORE = "keybridge:";

    public Intent(String remoteVersion, boolean createsPath) {
        this(remoteVersion, createsPath, false);
    }

    /**
     * The plan of a write to a store that numbers versions itself, so that the number is known only from the write's
     * answer. What is recorded before the write is keybridge's own version id; the store labels the version it writes
     * with it, and finds it by that label when keybridge comes back with this intent (a lost answer, a crash before
     * the answer was recorded, a removal).
     */
    public static Intent assignedByStore(UUID keybridgeVersion, boolean createsPath) {
        return new Intent(ASSIGNED_BY_STORE + keybridgeVersion, createsPath);
    }

    /** Whether the store has not named the version yet: {@link #keybridgeVersion()} is what finds it. */
    public boolean assignedByStore() {
        return remoteVersion.startsWith(ASSIGNED_BY_STORE);
    }

    /** keybridge's version id this intent stands for, if {@link #assignedByStore()}. */
    public UUID keybridgeVersion() {
        if (!assignedByStore()) {
            throw new IllegalStateException("the store's version is known: " + remoteVersion);
        }
        return UUID.fromString(remoteVersion.substring(ASSIGNED_BY_STORE.length()));
    }

    /** The intent as written, with the version the store assigned. */
    public Intent written(String storeVersion) {
        return new Intent(storeVersion, createsPath, metadataCurrent);
    }

    /** A recorded version as people see it: none while the store has not named it. */
    public static @Nullable String shown(@Nullable String recorded) {
        return recorded == null || recorded.startsWith(ASSIGNED_BY_STORE) ? null : recorded;
    }
}
