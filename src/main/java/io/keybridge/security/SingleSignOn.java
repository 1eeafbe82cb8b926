package io.keybridge.security;

import io.keybridge.config.SecretFile;
import java.net.URI;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Single sign-on ({@link OidcProperties}): the access tokens the API accepts and the dashboard's sign-in, both mapped
 * to grants by the same {@link RoleMapping}. The provider's discovery document and keys are fetched on first use (and
 * again after a failure), never at start: keybridge starts, and its tokens keep working, while the provider is down.
 */
@Component
public class SingleSignOn {

    /** The dashboard's client registration at the provider, and the last part of its redirect URI. */
    public static final String REGISTRATION = "keybridge";

    /** The claim of the dashboard's user that holds how the audit trail names the person. */
    private static final String ACTOR_CLAIM = "keybridge_actor";

    private final OidcProperties properties;
    private final @Nullable RoleMapping mapping;
    private final @Nullable JwtDecoder decoder;
    private final @Nullable ClientRegistrationRepository registrations;

    SingleSignOn(OidcProperties properties, Clock clock) {
        this.properties = properties;
        if (!properties.enabled()) {
            this.mapping = null;
            this.decoder = null;
            this.registrations = null;
            return;
        }
        if (!StringUtils.hasText(properties.clientId())) {
            throw new IllegalStateException(
                    "keybridge.security.oidc.client-id is missing (issuer-uri is set: single sign-on is on)");
        }
        if (properties.clockSkew().isNegative()
                || properties.clockSkew().compareTo(OidcProperties.MAX_CLOCK_SKEW) > 0) {
            throw new IllegalStateException("keybridge.security.oidc.clock-skew must be between PT0S and PT5M");
        }
        this.mapping = new RoleMapping(properties.bindings());
        String issuer = String.valueOf(properties.issuerUri());
        String audience = StringUtils.hasText(properties.audience()) ? properties.audience() : properties.clientId();
        JwtTimestampValidator timestamps = new JwtTimestampValidator(properties.clockSkew());
        timestamps.setClock(clock);
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(
                timestamps,
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<List<String>>("aud", aud -> aud != null && aud.contains(audience)));
        this.decoder = new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder nimbus =
                    NimbusJwtDecoder.withIssuerLocation(issuer).build();
            nimbus.setJwtValidator(validator);
            return nimbus;
        });
        String secret = clientSecret(properties);
        SingletonSupplier<ClientRegistration> registration =
                SingletonSupplier.of(() -> ClientRegistrations.fromIssuerLocation(issuer)
                        .registrationId(REGISTRATION)
                        .clientId(properties.clientId())
                        .clientSecret(secret)
                        .scope("openid", "profile", "email")
                        .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                        .build());
        this.registrations = id -> REGISTRATION.equals(id) ? registration.get() : null;
    }

    public boolean enabled() {
        return properties.enabled();
    }

    /** Whether the dashboard takes operator tokens too (always, without single sign-on). */
    public boolean tokenSignIn() {
        return !enabled() || properties.tokenSignIn();
    }

    /** The provider's origin ({@code https://idp.example}), for the dashboard's Content-Security-Policy; null if off. */
    public @Nullable String providerOrigin() {
        URI issuer = properties.issuerUri();
        if (issuer == null) {
            return null;
        }
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }

    /** Whether {@code token} could be one of the provider's access tokens (a JWS: three dot-separated parts). */
    boolean looksLikeJwt(String token) {
        return enabled() && token.chars().filter(c -> c == '.').count() == 2;
    }

    /**
     * The person an access token speaks for, with the grants of their groups (none if no group is bound: every
     * request is then refused with 403).
     *
     * @throws JwtException if the token is not signed by the provider, expired, for another audience or issuer, or
     *     the provider cannot be reached to check it
     */
    Authentication authenticate(String token) {
        if (decoder == null || mapping == null) {
            throw new IllegalStateException("single sign-on is off");
        }
        Jwt jwt = decoder.decode(token);
        return new JwtAuthenticationToken(
                jwt, mapping.grantsOf(groups(jwt.getClaims())), actor(jwt.getClaims(), "jwt"));
    }

    /** The dashboard's registration at the provider. */
    public ClientRegistrationRepository registrations() {
        if (registrations == null) {
            throw new IllegalStateException("single sign-on is off");
        }
        return registrations;
    }

    /** Loads the signed-in person (ID token and user info), with the grants of their groups and their audit name. */
    public OAuth2UserService<OidcUserRequest, OidcUser> users() {
        if (mapping == null) {
            throw new IllegalStateException("single sign-on is off");
        }
        OidcUserService delegate = new OidcUserService();
        return request -> {
            OidcUser user = delegate.loadUser(request);
            Map<String, Object> info = new HashMap<>();
            if (user.getUserInfo() != null) {
                info.putAll(user.getUserInfo().getClaims());
            }
            info.put(ACTOR_CLAIM, actor(user.getClaims(), "oidc"));
            return new DefaultOidcUser(
                    mapping.grantsOf(groups(user.getClaims())), user.getIdToken(), new OidcUserInfo(info), ACTOR_CLAIM);
        };
    }

    private List<String> groups(Map<String, Object> claims) {
        Object value = claims.get(properties.groupsClaim());
        if (value instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return value instanceof String single ? List.of(single) : List.of();
    }

    /** How the audit trail names the person: {@code alice (oidc, sub 3f2a...)}. */
    private String actor(Map<String, Object> claims, String method) {
        Object name = claims.get(properties.usernameClaim());
        if (!(name instanceof String) || ((String) name).isBlank()) {
            name = claims.get("email");
        }
        Object subject = claims.get("sub");
        String who = name instanceof String text && !text.isBlank() ? text : String.valueOf(subject);
        return who + " (" + method + ", sub " + subject + ")";
    }

    private static @Nullable String clientSecret(OidcProperties properties) {
        if (properties.clientSecretFile() != null) {
            return new SecretFile(
                            properties.clientSecretFile(),
                            "KEYBRIDGE_SECURITY_OIDC_CLIENT_SECRET_FILE (keybridge.security.oidc.client-secret-file)")
                    .get();
        }
        return properties.clientSecret();
    }
}
