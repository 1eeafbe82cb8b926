package io.keybridge.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot jar, started from an empty folder with nothing but {@code VAULT_ADDR} and a token, as a platform team starts
 * it: the rotation policies and routes it ships are loaded from inside it.
 */
@ExtendWith(OpenBaoExtension.class)
class JarStartsAnywhereIntegrationTests {

    @TempDir
    Path empty;

    @Test
    void theJarStartsFromAnEmptyFolderWithThePoliciesAndRoutesItShips() throws Exception {
        OpenBao bao = OpenBaoExtension.server();
        Path jar = Path.of("target/keybridge.jar").toAbsolutePath();
        assertThat(jar).exists();
        int port = KeybridgeProcess.freePort();
        Path log = empty.resolve("keybridge.log");
        ProcessBuilder builder = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString())
                .directory(empty.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("KEYBRIDGE_") || name.startsWith("SPRING_"));
        environment.put("VAULT_ADDR", bao.address());
        environment.put("VAULT_TOKEN", bao.keybridgeToken());
        environment.put("KEYBRIDGE_PORT", Integer.toString(port));
        Process process = builder.start();
        try {
            Api api = new Api(port);
            String admin = awaitAdminToken(process, empty.resolve("data/admin-token"), api, log);
            String run = UUID.randomUUID().toString().substring(0, 8);
            String path = "anywhere-" + run + "/api-key";
            Api.Response created = api.post(
                    "/api/v1/keys",
                    admin,
                    KeyRequests.key("anywhere-" + run, "platform", null, List.of(KeyRequests.vault(path))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("rotationPolicy").asString()).isEqualTo("default");
            String key = bao.keyAt(path);
            SecretHygiene.remember(key);
            Api.Response routed = api.send(
                    "GET",
                    "/authz",
                    null,
                    null,
                    Map.of(
                            "X-Keybridge-Token",
                            admin,
                            "X-Forwarded-Method",
                            "GET",
                            "X-Forwarded-Uri",
                            "/v1/lists/1",
                            "X-API-Key",
                            key));
            assertThat(routed.status())
                    .as("the shipped route file: %s", routed.body())
                    .isEqualTo(200);
            assertThat(Files.readString(log))
                    .contains("rotation policies loaded from the jar")
                    .contains("gateway route(s) loaded from the jar");
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(SecretHygiene.leaksIn(Files.readString(log))).isEmpty();
    }

    private static String awaitAdminToken(Process process, Path tokenFile, Api api, Path log) throws Exception {
        try {
            Awaitility.await("keybridge ready")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IllegalStateException.class) // not listening yet
                    .failFast("keybridge exited", () -> !process.isAlive())
                    .until(() -> Files.exists(tokenFile)
                            && api.get("/actuator/health/readiness", null).status() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + ": " + Files.readString(log), e);
        }
        return Files.readString(tokenFile).strip();
    }
}
