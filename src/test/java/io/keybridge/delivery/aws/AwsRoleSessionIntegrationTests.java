package io.keybridge.delivery.aws;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.Moto;
import io.keybridge.support.MotoExtension;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * A destination's role session ends during a run, several times: keybridge renews it before it ends and no issuance or
 * rotation into that account fails. moto gives sessions as short as asked (AWS's floor is 15 minutes; moto's STS has
 * none) and lists every session it gave, so the test counts how often keybridge assumed the role.
 */
@ExtendWith({OpenBaoExtension.class, MotoExtension.class})
class AwsRoleSessionIntegrationTests {

    private static final Duration SESSION = Duration.ofSeconds(6);
    private static final String ACCOUNT = "222222222222";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String role = "arn:aws:iam::" + ACCOUNT + ":role/keybridge-session-" + run;

    @Test
    void sessionsThatEndMidRunAreRenewedAndNoDeliveryFails() {
        String name = "aws-role-session-" + run;
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(
                Path.of("target/aws-role-session/" + run).toAbsolutePath(),
                name,
                List.of("--keybridge.aws.role-session-duration=" + SESSION))) {
            Api api = keybridge.api();
            String previous = issue(api, 0).json().path("id").asString();
            Instant started = Instant.now();
            List<Integer> issued = new ArrayList<>();
            List<Integer> rotated = new ArrayList<>();
            // four session lifetimes: every session keybridge held at the start has ended three times over
            for (int i = 1; Instant.now().isBefore(started.plus(SESSION.multipliedBy(4))); i++) {
                Api.Response created = issue(api, i);
                issued.add(created.status());
                Api.Response rotation = api.post("/api/v1/keys/" + previous + "/rotate", ADMIN, Map.of());
                rotated.add(rotation.status());
                if (created.status() == 201) {
                    previous = created.json().path("id").asString();
                }
            }

            assertThat(issued)
                    .as("issuance into the role's account")
                    .isNotEmpty()
                    .containsOnly(201);
            assertThat(rotated).as("rotations there").isNotEmpty().containsOnly(202);
            assertThat(sessionsOfTheRole())
                    .as("sessions of %s that keybridge asked for", role)
                    .isGreaterThanOrEqualTo(4);
            assertThat(api.get("/actuator/health", ADMIN).body())
                    .as("the health names the role and who keybridge is in it")
                    .contains("role " + role + " as arn:aws:sts::" + ACCOUNT + ":assumed-role/keybridge-session-" + run
                            + "/keybridge");
        }
        SecretHygiene.assertNoKeyInLog(Path.of("target/crash-tests/" + name + ".log"));
    }

    private Api.Response issue(Api api, int n) {
        String secretId = "aws-role-session-" + run + "/" + n + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        "aws-role-session-" + n + "-" + run,
                        "platform",
                        null,
                        List.of(Map.of("type", "aws", "secretId", secretId, "roleArn", role))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created;
    }

    /** How many sessions of the role moto gave out, from its own record of them. */
    private long sessionsOfTheRole() {
        try {
            HttpResponse<String> data = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(Moto.server().endpoint() + "/moto-api/data.json"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return StreamSupport.stream(
                            JsonMapper.builder()
                                    .build()
                                    .readTree(data.body())
                                    .path("sts")
                                    .path("AssumedRole")
                                    .spliterator(),
                            false)
                    .filter(session -> role.equals(session.path("role_arn").asString()))
                    .count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
