package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

class RoleMappingTests {

    private static OidcProperties.Binding binding(String group, Set<Role> roles, Set<String> owners) {
        return new OidcProperties.Binding(group, roles, owners);
    }

    @Test
    void groupsGiveTheirGrantsAndUnboundGroupsNothing() {
        RoleMapping mapping = new RoleMapping(List.of(
                binding("platform", Set.of(Role.ADMIN), null),
                binding("team:revops", Set.of(Role.RESPONDER), Set.of("revops")),
                binding("team:revops", Set.of(Role.AUDITOR), null)));
        assertThat(mapping.grantsOf(List.of("team:revops", "somewhere-else")))
                .containsExactly(
                        new OperatorGrant(Role.RESPONDER, Set.of("revops")), OperatorGrant.everyOwner(Role.AUDITOR));
        assertThat(mapping.grantsOf(List.of("somewhere-else"))).isEmpty();
        assertThat(mapping.grantsOf(List.of("platform"))).containsExactly(OperatorGrant.everyOwner(Role.ADMIN));
    }

    @Test
    void aMappingThatCannotBeRightStopsTheStart() {
        assertThatThrownBy(() -> new RoleMapping(List.of())).hasMessageContaining("no group is bound");
        assertThatThrownBy(() -> new RoleMapping(List.of(binding(" ", Set.of(Role.ADMIN), null))))
                .hasMessageContaining("bindings[0].group is missing");
        assertThatThrownBy(() -> new RoleMapping(List.of(binding("ops", Set.of(), null))))
                .hasMessageContaining("bindings[0] (group 'ops') gives no role");
        assertThatThrownBy(() -> new RoleMapping(List.of(binding("gw", Set.of(Role.VERIFIER), null))))
                .hasMessageContaining("gives VERIFIER");
        assertThatThrownBy(() -> new RoleMapping(List.of(binding("ops", Set.of(Role.RESPONDER), Set.of("")))))
                .hasMessageContaining("owners has an empty owner");
    }

    @Test
    void accessReachesOwnersByTheCallersGrants() {
        var person = new TestingAuthenticationToken(
                "alice",
                null,
                List.of(new OperatorGrant(Role.RESPONDER, Set.of("revops")), OperatorGrant.everyOwner(Role.AUDITOR)));
        Access access = Access.of(person);
        assertThat(access.allows("revops", Access.RESPOND)).isTrue();
        assertThat(access.allows("growth", Access.RESPOND)).isFalse();
        assertThat(access.allows("growth", Access.READ)).isTrue();
        assertThat(access.owners(Set.of(Role.ADMIN, Role.RESPONDER))).contains(Set.of("revops"));
        assertThat(access.owners(Access.READ)).isEmpty(); // the auditor grant reaches every owner
        assertThat(access.owners(Set.of(Role.ADMIN))).contains(Set.of());

        // a token's roles, as plain authorities, reach every owner
        var token =
                new TestingAuthenticationToken("oncall", null, List.of(new SimpleGrantedAuthority("ROLE_RESPONDER")));
        assertThat(Access.of(token).owners(Set.of(Role.RESPONDER))).isEqualTo(Optional.empty());
        assertThat(Access.of(token).allows("anyone", java.util.Set.of(Role.RESPONDER)))
                .isTrue();
        assertThat(Access.of(null).grants()).isEmpty();
    }
}
