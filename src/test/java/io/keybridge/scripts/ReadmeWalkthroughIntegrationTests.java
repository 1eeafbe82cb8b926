package io.keybridge.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.Test;

/**
 * The README works when pasted top to bottom (issue 16, items 19 and 20): its shell blocks from "Walk-through" to "How
 * issuance works", taken from the README itself so they cannot drift, run in order in one shell against
 * {@code scripts/run}, each command failing the run on an error answer. Then {@code scripts/run} is restarted, and the
 * key delivered before the restart is still at OpenBao and still verifies.
 */
class ReadmeWalkthroughIntegrationTests {

    private static final Pattern KEY = Pattern.compile("ee_(live|test)_[0-9A-Za-z]{49}");
    private static final Path REPO = Path.of("").toAbsolutePath();

    @Test
    void theWalkthroughRunsPastedInOrderAndSurvivesARestart() throws Exception {
        Path checkout = checkout();
        int port = freePort();
        Path script = checkout.resolve("walkthrough.sh");
        Files.writeString(script, walkthrough(Files.readString(REPO.resolve("README.md"))));

        try (Running run = start(checkout, port, "first")) {
            Path output = checkout.resolve("walkthrough.out");
            ProcessBuilder pasting = new ProcessBuilder("bash", script.toString())
                    .directory(checkout.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            // a second terminal: nothing of scripts/run's environment but the port it was started on
            pasting.environment().remove("VAULT_ADDR");
            pasting.environment().remove("VAULT_TOKEN");
            pasting.environment().remove("KEYBRIDGE_TOKEN");
            pasting.environment().put("KEYBRIDGE_PORT", String.valueOf(port));
            pasting.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process shell = pasting.start();
            boolean finished = shell.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                shell.destroyForcibly();
            }
            assertThat(finished && shell.exitValue() == 0)
                    .as("the README's blocks ran to the end; the last lines:%n%s", tail(output))
                    .isTrue();
        }

        try (Running again = start(checkout, port, "restarted")) {
            String root = Files.readString(checkout.resolve("data/openbao-root-token"))
                    .strip();
            String address =
                    Files.readString(checkout.resolve("data/openbao-addr")).strip();
            ProcessBuilder builder = new ProcessBuilder(
                            REPO.resolve(".venv/bin/bao").toString(),
                            "kv",
                            "get",
                            "-field=api_key",
                            "secret/keybridge/billing-export/api-key")
                    .redirectErrorStream(true);
            builder.environment().put("VAULT_ADDR", address);
            builder.environment().put("VAULT_TOKEN", root);
            Process bao = builder.start();
            String key = new String(bao.getInputStream().readAllBytes()).strip();
            assertThat(bao.waitFor())
                    .as("the delivered key is still at OpenBao after the restart")
                    .isZero();
            String admin =
                    Files.readString(checkout.resolve("data/admin-token")).strip();
            assertThat(new Api(port).verify(admin, key, List.of("lists:read")).status())
                    .as("and it verifies")
                    .isEqualTo(200);
        }
    }

    /** The README's shell blocks of the walk-through sections, in order, as one script. */
    static String walkthrough(String readme) {
        int from = readme.indexOf("\n## Walk-through");
        int to = readme.indexOf("\n## How issuance works");
        assertThat(from).isPositive();
        assertThat(to).isGreaterThan(from);
        List<String> blocks = new ArrayList<>();
        String[] lines = readme.substring(from, to).split("\n", -1);
        StringBuilder block = null;
        for (String line : lines) {
            if (block == null && line.equals("```bash")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        assertThat(blocks).as("shell blocks in the walk-through").hasSizeGreaterThan(5);
        StringBuilder script = new StringBuilder("""
                set -euo pipefail
                # an error answer stops the walk-through, as it would stop a person pasting it
                curl() { command curl --fail-with-body "$@"; }
                """);
        for (int i = 0; i < blocks.size(); i++) {
            script.append("echo '>>> README block ").append(i + 1).append("'\n").append(blocks.get(i));
        }
        return script.toString();
    }

    /** A checkout of its own, so that {@code ./data} is the test's: the repository's files, linked. */
    private static Path checkout() throws IOException {
        Path checkout = REPO.resolve(
                "target/readme-walkthrough/" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(checkout);
        for (String entry : List.of("scripts", "policies", "src", "pom.xml", "mvnw", ".mvn", ".venv", "target")) {
            Files.createSymbolicLink(checkout.resolve(entry), REPO.resolve(entry));
        }
        return checkout;
    }

    private static Running start(Path checkout, int port, String name) throws Exception {
        Path log = checkout.resolve("run-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/run")
                .directory(checkout.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.remove("VAULT_ADDR");
        environment.remove("VAULT_TOKEN");
        environment.remove("KEYBRIDGE_DATA_DIR");
        environment.put("KEYBRIDGE_PORT", String.valueOf(port));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        Running running = new Running(process, log);
        Api api = new Api(port);
        try {
            Awaitility.await("scripts/run ready")
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IllegalStateException.class) // not listening yet
                    .failFast("scripts/run stopped", () -> !process.isAlive())
                    .until(() -> api.get("/actuator/health/readiness", null).status() == 200
                            && Files.exists(checkout.resolve("data/crm-sync-vault-token")));
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            running.close();
            throw new AssertionError(e.getMessage() + ": " + tail(log), e);
        }
        return running;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return KEY.matcher(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())))
                    .replaceAll("ee_<redacted>");
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** scripts/run, stopped as Ctrl-C would: its trap stops keybridge and OpenBao. */
    private record Running(Process process, Path log) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
