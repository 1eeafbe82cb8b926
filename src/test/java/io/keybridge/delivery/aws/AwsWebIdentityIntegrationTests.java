package io.keybridge.delivery.aws;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.Moto;
import io.keybridge.support.MotoExtension;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * keybridge on EKS with IRSA: no access keys, only {@code AWS_ROLE_ARN} and a projected web-identity token file, which
 * the SDK's default chain trades for a session at STS ({@code AssumeRoleWithWebIdentity}, moto's STS here). Without the
 * token file the same keybridge has no credentials at all, so the delivery that works went through STS.
 */
@ExtendWith({OpenBaoExtension.class, MotoExtension.class})
class AwsWebIdentityIntegrationTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void withOnlyAWebIdentityTokenFileAndARoleKeybridgeDeliversToSecretsManager() throws Exception {
        Path folder = Path.of("target/aws-web-identity/" + run).toAbsolutePath();
        Files.createDirectories(folder);
        Path token =
                Files.writeString(folder.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrZXlicmlkZ2UifQ.c2ln\n");
        Map<String, String> irsa = noStaticCredentials(folder);
        irsa.put("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/keybridge");
        irsa.put("AWS_ROLE_SESSION_NAME", "keybridge");
        irsa.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());

        try (KeybridgeProcess keybridge =
                KeybridgeProcess.start(folder.resolve("irsa"), "aws-irsa-" + run, List.of(), irsa)) {
            String secret = "irsa-" + run + "/api-key";
            Api.Response created = issue(keybridge.api(), secret);

            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(keybridge.api().get("/actuator/health", ADMIN).body())
                    .as("the health says who keybridge is at AWS")
                    .contains(" as arn:aws:sts::123456789012:assumed-role/keybridge/");
            OpenBao.Cli read = Moto.server().read("keybridge/" + secret, "AWSCURRENT");
            assertThat(read.exitCode()).as(read.stderr()).isZero();
            SecretHygiene.remember(read.json().path("value").path("api_key").asString());
        }
        assertThat(Files.readString(Path.of("target/crash-tests/aws-irsa-" + run + ".log")))
                .as("one start-up line says how keybridge reaches each store, and as whom")
                .contains("secret stores at start: UP")
                .contains("as arn:aws:sts::123456789012:assumed-role/keybridge/")
                .contains("(token)");
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(
                folder.resolve("none"), "aws-no-credentials-" + run, List.of(), noStaticCredentials(folder))) {
            assertThat(issue(keybridge.api(), "none-" + run + "/api-key").status())
                    .as("without the token file there are no credentials: the delivery above went through STS")
                    .isEqualTo(502);
        }
    }

    /** Nothing for the SDK's chain to find but what the test adds: no keys, no profile files. */
    private static Map<String, String> noStaticCredentials(Path folder) {
        Map<String, String> environment = new HashMap<>();
        environment.put("AWS_ACCESS_KEY_ID", "");
        environment.put("AWS_SECRET_ACCESS_KEY", "");
        environment.put(
                "AWS_SHARED_CREDENTIALS_FILE", folder.resolve("no-credentials").toString());
        environment.put("AWS_CONFIG_FILE", folder.resolve("no-config").toString());
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.put("AWS_ENDPOINT_URL_STS", Moto.server().endpoint());
        environment.put("AWS_REGION", Moto.REGION);
        return environment;
    }

    private static Api.Response issue(Api api, String secretId) {
        return api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        "aws-" + UUID.randomUUID().toString().substring(0, 8),
                        "platform",
                        null,
                        List.of(KeyRequests.aws(secretId))));
    }
}
