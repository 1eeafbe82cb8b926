package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.LeakReporter;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every secret keybridge itself needs can come from a file, as Kubernetes and Docker mount secrets: the admin token,
 * the webhook signing secret and the leak-report secret (the Vault token and the AppRole secret id have tests of their
 * own). Each file is replaced during the run, the way a secret mount is updated, and keybridge uses the new secret at
 * once, the old one no more, without a restart; none of the secrets appears in its log.
 */
@ExtendWith(OpenBaoExtension.class)
class SecretFilesIntegrationTests {

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void secretsFromFilesAreUsedAndReplacedWithoutARestart() throws Exception {
        Path folder = Path.of("target/secret-files/" + run).toAbsolutePath();
        Path secrets = Files.createDirectories(folder.resolve("secrets"));
        String firstAdmin = KeybridgeProcess.ADMIN; // what the process's readiness check signs in with
        String secondAdmin = "kbt_second-admin-" + UUID.randomUUID();
        String firstHook = "first-hook-secret-" + UUID.randomUUID();
        String secondHook = "second-hook-secret-" + UUID.randomUUID();
        String firstLeak = "first-leak-secret-" + UUID.randomUUID();
        String secondLeak = "second-leak-secret-" + UUID.randomUUID();
        Path adminFile = Files.writeString(secrets.resolve("admin-token"), firstAdmin + "\n");
        Path hookFile = Files.writeString(secrets.resolve("webhook-secret"), firstHook + "\n");
        Path leakFile = Files.writeString(secrets.resolve("leak-secret"), firstLeak + "\n");
        String name = "secret-files-" + run;
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(
                folder.resolve("keybridge"),
                name,
                List.of(
                        "--keybridge.security.admin-token=",
                        "--keybridge.security.admin-token-file=" + adminFile,
                        "--keybridge.leak-reports.secret-file=" + leakFile,
                        "--keybridge.webhooks.endpoints[0].name=files",
                        "--keybridge.webhooks.endpoints[0].url="
                                + WebhookReceiver.get().url(),
                        "--keybridge.webhooks.endpoints[0].secret-file=" + hookFile,
                        "--keybridge.webhooks.endpoints[0].events=key.created",
                        "--keybridge.webhooks.initial-backoff=PT0.2S",
                        "--keybridge.webhooks.poll-interval=200ms"))) {
            Api api = keybridge.api();
            String firstKey = issue(api, firstAdmin, 1);
            assertThat(signedWith(firstKey, firstHook))
                    .as("the webhook is signed with the file's secret")
                    .isTrue();
            assertThat(leakReport(api, firstLeak).status()).isEqualTo(200);

            replace(adminFile, secondAdmin);
            replace(hookFile, secondHook);
            replace(leakFile, secondLeak);

            assertThat(api.get("/api/v1/keys", firstAdmin).status())
                    .as("the replaced admin token")
                    .isEqualTo(401);
            String secondKey = issue(api, secondAdmin, 2);
            assertThat(signedWith(secondKey, secondHook))
                    .as("the new webhook secret")
                    .isTrue();
            assertThat(signedWith(secondKey, firstHook))
                    .as("the replaced webhook secret")
                    .isFalse();
            assertThat(leakReport(api, firstLeak).status())
                    .as("a report signed with the replaced secret")
                    .isEqualTo(401);
            assertThat(leakReport(api, secondLeak).status()).isEqualTo(200);
        }
        String log = Files.readString(Path.of("target/crash-tests/" + name + ".log"));
        for (String secret : List.of(firstAdmin, secondAdmin, firstHook, secondHook, firstLeak, secondLeak)) {
            assertThat(log).doesNotContain(secret);
        }
        assertThat(log).contains("KEYBRIDGE_ADMIN_TOKEN_FILE", "changed");
    }

    private String issue(Api api, String admin, int n) {
        String path = "secret-files-" + run + "/" + n + "/api-key";
        Api.Response created = api.post(
                "/api/v1/keys",
                admin,
                KeyRequests.key("secret-files-" + n + "-" + run, "platform", null, List.of(KeyRequests.vault(path))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        SecretHygiene.remember(bao.keyAt(path));
        return created.json().path("id").asString();
    }

    /** Whether the first delivery of the key's {@code key.created} event is signed with this secret. */
    private static boolean signedWith(String keyId, String secret) {
        WebhookReceiver.Received received = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> WebhookReceiver.get().received().stream()
                                .filter(hook -> "key.created".equals(hook.eventType()))
                                .filter(hook -> hook.body().contains(keyId))
                                .findFirst()
                                .orElse(null),
                        hook -> hook != null);
        return received.signature().equals(LeakReporter.hmac(secret, received.timestamp(), received.body()));
    }

    /** A signed report of a token keybridge never issued: accepted (200), changing nothing, if the signature holds. */
    private static Api.Response leakReport(Api api, String secret) {
        String body = "[{\"token\":\"ee_live_" + "4".repeat(49) + "\",\"url\":\"https://example.com\"}]";
        String at = Long.toString(Instant.now().getEpochSecond());
        return api.send(
                "POST",
                "/api/v1/leak-reports",
                null,
                body,
                Map.of("Keybridge-Timestamp", at, "Keybridge-Signature", LeakReporter.hmac(secret, at, body)));
    }

    /** Replaces a secret the way a secret mount is updated: a new file moved over the old one. */
    private static void replace(Path file, String secret) throws Exception {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), secret + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
