package io.keybridge.security;

import io.keybridge.audit.AuditLog;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.web.ProblemException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * Owner-scoped bindings, applied to single keys: a person whose roles reach only some owners' keys reads another
 * owner's key as if it did not exist ({@code 404}: its name does not leak) and may not act on it ({@code 403}). The
 * filter chains have already checked the role itself; this checks whose key it is. Callers with every owner in reach
 * (tokens, certificates, unlimited bindings) pass without a look-up.
 */
@Component
public class KeyAccess {

    private final ApiKeys keys;
    private final AuditLog audit;

    KeyAccess(ApiKeys keys, AuditLog audit) {
        this.keys = keys;
        this.audit = audit;
    }

    /** @throws KeyNotFoundException if the key does not exist or its owner is out of the caller's reach */
    public void requireReadable(UUID keyId, Authentication caller) {
        Access access = Access.of(caller);
        if (access.owners(Access.READ).isEmpty()) {
            return;
        }
        Optional<ApiKey> key = keys.find(keyId);
        if (key.isEmpty() || !access.allows(key.get().owner(), Access.READ)) {
            throw new KeyNotFoundException(keyId);
        }
    }

    /**
     * @param action what the caller tries, as the audit trail names it ({@code key.revoke})
     * @param roles the roles that may do it, one of which must reach the key's owner
     * @throws KeyAccessDeniedException if none does (audited as a refusal)
     */
    public void requireAllowed(UUID keyId, Authentication caller, String action, Set<Role> roles) {
        Access access = Access.of(caller);
        if (access.owners(roles).isEmpty()) {
            return;
        }
        Optional<ApiKey> key = keys.find(keyId);
        if (key.isEmpty()) {
            return; // the action itself answers 404
        }
        if (!access.allows(key.get().owner(), roles)) {
            audit.recordRefusal(caller.getName(), action, keyId, "forbidden", "owner out of the caller's bindings");
            throw new KeyAccessDeniedException("Your roles do not reach this key's owner: you may act only on keys"
                    + " of "
                    + String.join(
                            ", ",
                            access.owners(roles).orElseThrow().stream().sorted().toList())
                    + ".");
        }
    }

    /** For a new key: whether {@code owner} is in reach of one of {@code roles}. */
    public void requireOwner(String owner, Authentication caller, String action, Set<Role> roles) {
        Access access = Access.of(caller);
        if (!access.allows(owner, roles)) {
            audit.recordRefusal(caller.getName(), action, null, "forbidden", "owner out of the caller's bindings");
            throw new KeyAccessDeniedException("Your roles do not reach owner '" + owner + "': you may create keys"
                    + " only for "
                    + String.join(
                            ", ",
                            access.owners(roles).orElse(Set.of()).stream()
                                    .sorted()
                                    .toList())
                    + ".");
        }
    }

    /** The owners whose keys the caller may read; empty if every owner's. */
    public Optional<Set<String>> readableOwners(Authentication caller) {
        return Access.of(caller).owners(Access.READ);
    }

    /** The caller's roles do not reach the key's owner. */
    public static final class KeyAccessDeniedException extends ProblemException {
        KeyAccessDeniedException(String detail) {
            super(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
        }
    }
}
