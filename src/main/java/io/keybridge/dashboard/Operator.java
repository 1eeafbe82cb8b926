package io.keybridge.dashboard;

import io.keybridge.security.Access;
import io.keybridge.security.OperatorGrant;
import io.keybridge.security.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/** Who is signed in, and so which buttons the pages show. The filter chain enforces the same rules. */
record Operator(String name, Set<Role> roles, List<String> grants) {

    static Operator of(@Nullable Authentication authentication) {
        if (authentication == null) {
            return new Operator("", Set.of(), List.of());
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && name.startsWith("ROLE_")) {
                for (Role role : Role.values()) {
                    if (role.name().equals(name.substring(5))) {
                        roles.add(role);
                    }
                }
            }
        }
        // a person's grants say whose keys they reach ("RESPONDER for revops"); a token's are its roles
        List<String> grants = Access.of(authentication).grants().stream()
                .map(OperatorGrant::toString)
                .distinct()
                .sorted()
                .toList();
        return new Operator(authentication.getName(), roles, grants);
    }

    /** Create keys, rename them, change their policy, rotate them. */
    public boolean canManage() {
        return roles.contains(Role.ADMIN);
    }

    /** Revoke and emergency-rotate: what an incident responder needs. */
    public boolean canRespond() {
        return roles.contains(Role.ADMIN) || roles.contains(Role.RESPONDER);
    }

    public String roleNames() {
        return String.join(", ", grants);
    }
}
