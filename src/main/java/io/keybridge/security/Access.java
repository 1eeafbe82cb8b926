package io.keybridge.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Which owners' keys a caller may read or act on. A token or certificate holds its roles over every owner; a person
 * signed in through the identity provider holds what their groups are bound to, possibly limited to some owners.
 */
public final class Access {

    /** What reading keys takes. */
    public static final Set<Role> READ = Set.of(Role.ADMIN, Role.RESPONDER, Role.AUDITOR);
    /** The roles that contain and re-issue keys in an incident. */
    public static final Set<Role> RESPOND = Set.of(Role.ADMIN, Role.RESPONDER);

    private final List<OperatorGrant> grants;

    private Access(List<OperatorGrant> grants) {
        this.grants = List.copyOf(grants);
    }

    public static Access of(@Nullable Authentication caller) {
        List<OperatorGrant> grants = new ArrayList<>();
        if (caller != null) {
            for (GrantedAuthority authority : caller.getAuthorities()) {
                if (authority instanceof OperatorGrant grant) {
                    grants.add(grant);
                } else if (authority.getAuthority() != null
                        && authority.getAuthority().startsWith("ROLE_")) {
                    role(authority.getAuthority().substring(5))
                            .ifPresent(role -> grants.add(OperatorGrant.everyOwner(role)));
                }
            }
        }
        return new Access(grants);
    }

    /** Whether one of {@code roles} reaches {@code owner}'s keys. */
    public boolean allows(String owner, Set<Role> roles) {
        return grants.stream().anyMatch(grant -> roles.contains(grant.role()) && grant.reaches(owner));
    }

    /**
     * The owners whose keys one of {@code roles} reaches: empty if every owner's (no grant of those roles is limited),
     * else those owners (an empty set if none).
     */
    public Optional<Set<String>> owners(Set<Role> roles) {
        Set<String> owners = new HashSet<>();
        for (OperatorGrant grant : grants) {
            if (!roles.contains(grant.role())) {
                continue;
            }
            if (grant.owners().isEmpty()) {
                return Optional.empty();
            }
            owners.addAll(grant.owners());
        }
        return Optional.of(Set.copyOf(owners));
    }

    public List<OperatorGrant> grants() {
        return grants;
    }

    private static Optional<Role> role(String name) {
        return Arrays.stream(Role.values())
                .filter(role -> role.name().equals(name))
                .findFirst();
    }
}
