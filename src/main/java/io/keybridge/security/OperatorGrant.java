package io.keybridge.security;

import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.core.GrantedAuthority;

/**
 * A role a person holds, over every owner's keys or only over some owners' ({@code RESPONDER} for {@code revops}).
 * As an authority it reads {@code ROLE_<role>}, so the filter chains' role rules apply unchanged; which keys it
 * reaches is {@link Access}'s to decide.
 *
 * @param owners the owners whose keys the role reaches; empty: every owner's
 */
public record OperatorGrant(Role role, Set<String> owners) implements GrantedAuthority {

    public OperatorGrant {
        owners = Set.copyOf(new TreeSet<>(owners));
    }

    /** The role over every owner's keys. */
    public static OperatorGrant everyOwner(Role role) {
        return new OperatorGrant(role, Set.of());
    }

    public boolean reaches(String owner) {
        return owners.isEmpty() || owners.contains(owner);
    }

    @Override
    public String getAuthority() {
        return "ROLE_" + role.name();
    }

    @Override
    public String toString() {
        return owners.isEmpty() ? role.name() : role.name() + " for " + String.join(", ", new TreeSet<>(owners));
    }
}
