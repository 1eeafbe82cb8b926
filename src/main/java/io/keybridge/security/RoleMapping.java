package io.keybridge.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.util.StringUtils;

/**
 * From a person's groups to their grants, by {@code keybridge.security.oidc.bindings}: checked once, at start, so that
 * a typo in a role or an empty binding stops keybridge with the binding named rather than locking people out later.
 */
final class RoleMapping {

    private final Map<String, List<OperatorGrant>> byGroup = new LinkedHashMap<>();

    RoleMapping(List<OidcProperties.Binding> bindings) {
        if (bindings.isEmpty()) {
            throw new IllegalStateException("keybridge.security.oidc.bindings: single sign-on is on but no group is"
                    + " bound to a role, so nobody could do anything; bind at least one group (see the README,"
                    + " 'Single sign-on')");
        }
        for (int i = 0; i < bindings.size(); i++) {
            OidcProperties.Binding binding = bindings.get(i);
            String where = "keybridge.security.oidc.bindings[" + i + "]";
            if (!StringUtils.hasText(binding.group())) {
                throw new IllegalStateException(where + ".group is missing");
            }
            if (binding.roles() == null || binding.roles().isEmpty()) {
                throw new IllegalStateException(where + " (group '" + binding.group() + "') gives no role: list"
                        + " ADMIN, RESPONDER or AUDITOR in roles");
            }
            if (binding.roles().contains(Role.VERIFIER)) {
                throw new IllegalStateException(where + " (group '" + binding.group() + "') gives VERIFIER, which"
                        + " only gateways hold, by token or client certificate");
            }
            Set<String> owners = binding.owners() == null ? Set.of() : binding.owners();
            for (String owner : owners) {
                if (!StringUtils.hasText(owner)) {
                    throw new IllegalStateException(where + ".owners has an empty owner");
                }
            }
            List<OperatorGrant> grants = byGroup.computeIfAbsent(binding.group(), group -> new ArrayList<>());
            for (Role role : binding.roles()) {
                grants.add(new OperatorGrant(role, owners));
            }
        }
    }

    /** The grants of a person in {@code groups}; none if no group is bound. */
    List<OperatorGrant> grantsOf(Collection<String> groups) {
        List<OperatorGrant> grants = new ArrayList<>();
        for (String group : groups) {
            grants.addAll(byGroup.getOrDefault(group, List.of()));
        }
        return List.copyOf(grants);
    }
}
