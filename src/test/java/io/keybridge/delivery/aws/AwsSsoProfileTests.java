package io.keybridge.delivery.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.sso.auth.ExpiredTokenException;

/**
 * SSO profiles with an {@code sso-session} (what {@code aws configure sso} writes today) resolve only with the SDK's
 * {@code ssooidc} module on the class path. Without it the SDK refuses the profile, naming the module; with it, it
 * looks for the cached SSO token, as {@code aws sso login} leaves it. No SSO portal can run here (moto has none), so
 * the test stops there: the token it looks for is absent.
 */
class AwsSsoProfileTests {

    @Test
    void anSsoSessionProfileIsAcceptedAndLooksForTheCachedToken(@TempDir Path home) throws Exception {
        Path config = Files.writeString(home.resolve("config"), """
                [profile keybridge]
                sso_session = acme
                sso_account_id = 111111111111
                sso_role_name = keybridge-delivery
                region = eu-west-1

                [sso-session acme]
                sso_start_url = https://acme.awsapps.com/start
                sso_region = eu-west-1
                sso_registration_scopes = sso:account:access
                """);
        ProfileCredentialsProvider provider = ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder()
                        .content(config)
                        .type(ProfileFile.Type.CONFIGURATION)
                        .build())
                .profileName("keybridge")
                .build();

        // without ssooidc: IllegalStateException, "the 'ssooidc' service module must be on the class path"
        assertThatThrownBy(provider::resolveCredentials)
                .isInstanceOf(ExpiredTokenException.class)
                .hasMessageContaining("aws sso login");
    }
}
