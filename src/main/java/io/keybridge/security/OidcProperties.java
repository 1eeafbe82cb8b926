package io.keybridge.security;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Single sign-on through the company's OpenID Connect provider (Okta, Entra ID, Google, Keycloak...): people sign in
 * to the dashboard with it, and its access tokens are accepted by the API. Off unless {@code issuerUri} is set.
 *
 * @param issuerUri the provider's issuer, e.g. {@code https://keycloak.example/realms/acme}; its discovery document
 *     is read on first use, so a provider that is down does not stop keybridge from starting
 * @param clientId keybridge's client at the provider
 * @param clientSecret its secret, or {@code clientSecretFile}
 * @param audience the {@code aud} an access token must carry to be accepted by the API (default: the client id)
 * @param groupsClaim the claim holding the person's groups
 * @param usernameClaim the claim that names the person in the audit trail (falls back to {@code email}, then
 *     {@code sub})
 * @param clockSkew how far a token's {@code exp} and {@code nbf} may be off (PT0S to PT5M)
 * @param tokenSignIn whether the dashboard still takes an operator token (break-glass, when the provider is down)
 * @param bindings which roles each group gives, possibly limited to some owners' keys; a person in no bound group
 *     gets nothing
 */
@ConfigurationProperties("keybridge.security.oidc")
record OidcProperties(
        @Nullable URI issuerUri,
        @Nullable String clientId,
        @Nullable String clientSecret,
        @Nullable Path clientSecretFile,
        @Nullable String audience,
        @DefaultValue("groups") String groupsClaim,
        @DefaultValue("preferred_username") String usernameClaim,
        @DefaultValue("PT30S") Duration clockSkew,
        @DefaultValue("true") boolean tokenSignIn,
        List<Binding> bindings) {

    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    OidcProperties {
        bindings = bindings == null ? List.of() : List.copyOf(bindings);
    }

    boolean enabled() {
        return issuerUri != null;
    }

    /**
     * A group and what it gives.
     *
     * @param group the value in the groups claim, e.g. {@code team:revops}
     * @param roles ADMIN, RESPONDER or AUDITOR (VERIFIER is the gateways', by token or certificate)
     * @param owners the owners whose keys the roles reach; none given: every owner's
     */
    record Binding(
            @Nullable String group,
            @Nullable Set<Role> roles,
            @Nullable Set<String> owners) {}
}
