package io.keybridge.support;

import static org.awaitility.Awaitility.await;

import io.keybridge.delivery.StepReached;
import io.keybridge.security.ApiTokens;
import io.keybridge.support.clock.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A keybridge in a JVM of its own ({@link CrashableKeybridge}, on the test class path), on an H2 file database in its
 * own folder and the test run's OpenBao, so that tests can {@code kill -9} it and start it again on the same data.
 * Its output goes to {@code target/crash-tests/<name>.log}.
 */
public final class KeybridgeProcess implements AutoCloseable {

    public static final String ADMIN = "crash-admin-" + UUID.randomUUID();
    public static final String VERIFIER = "crash-gateway-" + UUID.randomUUID();

    private final Path folder;
    private final Path log;
    private final Process process;
    private final int port;
    private final Api api;

    private KeybridgeProcess(Path folder, Path log, Process process, int port, Api api) {
        this.folder = folder;
        this.log = log;
        this.process = process;
        this.port = port;
        this.api = api;
    }

    /** Starts keybridge on the data in {@code folder} (created if new) and waits until it answers. */
    public static KeybridgeProcess start(Path folder, String name) {
        return start(folder, name, List.of());
    }

    /**
     * {@link #start(Path, String)} with more arguments ({@code --name=value}, which win over the defaults), e.g. the
     * {@code postgres} profile and its database.
     */
    public static KeybridgeProcess start(Path folder, String name, List<String> arguments) {
        return start(folder, name, arguments, Map.of());
    }

    /** {@link #start(Path, String, List)} with more environment variables for the JVM (e.g. {@link WallClock}'s). */
    public static KeybridgeProcess start(
            Path folder, String name, List<String> arguments, Map<String, String> extraEnvironment) {
        return start(folder, name, arguments, extraEnvironment, null);
    }

    /**
     * {@link #start(Path, String, List, Map)} serving TLS ({@code server.ssl} in {@code arguments}); the test's
     * client trusts what {@code tls} trusts.
     */
    public static KeybridgeProcess start(
            Path folder,
            String name,
            List<String> arguments,
            Map<String, String> extraEnvironment,
            javax.net.ssl.SSLContext tls) {
        return start(folder, name, sharedClasses(), arguments, extraEnvironment, tls);
    }

    /**
     * {@link #start(Path, String, List)} from a boot jar ({@code java -jar}), e.g. an earlier release's, with the same
     * settings; it has no crash points.
     */
    public static KeybridgeProcess startJar(Path jar, Path folder, String name, List<String> arguments) {
        return start(folder, name, List.of("-jar", jar.toAbsolutePath().toString()), arguments, Map.of(), null);
    }

    private static KeybridgeProcess start(
            Path folder,
            String name,
            List<String> launch,
            List<String> arguments,
            Map<String, String> extraEnvironment,
            javax.net.ssl.SSLContext tls) {
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(folder.resolve(CrashableKeybridge.CRASH_AT));
            Files.deleteIfExists(folder.resolve(CrashableKeybridge.CRASH_REACHED));
            Path log = Path.of("target/crash-tests", name + ".log");
            Files.createDirectories(log.getParent());
            int port = freePort();
            List<String> command = command(launch, port);
            // Spring joins a repeated argument's values with commas: a given argument replaces the default
            for (String argument : arguments) {
                String option = argument.substring(0, argument.indexOf("=") + 1);
                command.removeIf(existing -> existing.startsWith(option));
                command.add(argument);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> environment = builder.environment();
            environment.putAll(environment(folder));
            environment.putAll(extraEnvironment);
            KeybridgeProcess node = new KeybridgeProcess(
                    folder, log, builder.start(), port, tls == null ? new Api(port) : new Api(port, tls));
            node.awaitReady();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JVM, its options, {@code launch} and the default arguments, listening on {@code port}. */
    private static List<String> command(List<String> launch, int port) {
        OpenBao bao = OpenBaoExtension.server();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1",
                "-Xmx512m",
                "-Dlogback.configurationFile="
                        + Path.of("src/test/resources/crash-logback.xml").toAbsolutePath(),
                // a file, not the class path: a boot jar of another release does not hold the test resources
                "-Dlogging.config="
                        + Path.of("src/test/resources/crash-logback.xml").toAbsolutePath()));
        command.addAll(launch);
        command.addAll(List.of(
                "--server.port=" + port,
                "--keybridge.vault.uri=" + bao.address(),
                "--keybridge.aws.endpoint=" + Moto.server().endpoint(),
                "--keybridge.aws.region=" + Moto.REGION,
                "--keybridge.aws.sts-endpoint=" + Moto.server().endpoint(),
                "--keybridge.security.admin-token=" + ADMIN,
                "--keybridge.security.tokens[0].name=gateway",
                "--keybridge.security.tokens[0].sha256=" + ApiTokens.sha256(VERIFIER),
                "--keybridge.security.tokens[0].roles=VERIFIER",
                "--keybridge.rotation.policies=src/test/resources/rotation-policies",
                "--keybridge.rotation.minimum-overlap=PT1S"));
        return command;
    }

    private static Map<String, String> environment(Path folder) {
        return Map.of(
                "KEYBRIDGE_DATA_DIR",
                folder.toAbsolutePath().toString(),
                // the token goes in the environment, not the command line, as in production
                "VAULT_TOKEN",
                OpenBaoExtension.server().keybridgeToken(),
                "AWS_ACCESS_KEY_ID",
                "testing", // moto accepts any
                "AWS_SECRET_ACCESS_KEY",
                "testing");
    }

    /**
     * How to launch {@link CrashableKeybridge}: from the test class path, with the class data archive (made on first
     * use by a start of its own, on a folder of its own).
     */
    private static List<String> sharedClasses() {
        Path training = Path.of("target/crash-tests/class-data/training-" + UUID.randomUUID());
        int port;
        try {
            port = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ClassDataArchive.launch(
                CrashableKeybridge.class.getName(), launch -> command(launch, port), environment(training));
    }

    public Api api() {
        return api;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** From now on, the first rotation to reach {@code step} stops there until the process is killed. */
    public void crashAt(StepReached.Step step) {
        write(CrashableKeybridge.CRASH_AT, step.name());
    }

    /** Holds the rotation that reaches {@code step} as the {@code occurrence}-th, and every rotating thread after it. */
    public void crashAt(StepReached.Step step, int occurrence) {
        write(CrashableKeybridge.CRASH_AT, step.name() + " " + occurrence);
    }

    /** Waits until a rotation is held at the crash point; returns what the listener wrote (key id and step). */
    public String awaitCrashPoint(Duration timeout) {
        Path reached = folder.resolve(CrashableKeybridge.CRASH_REACHED);
        try {
            await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(20))
                    .failFast(() -> !process.isAlive() && !Files.exists(reached))
                    .until(() -> Files.exists(reached));
            return Files.readString(reached);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (org.awaitility.core.TerminalFailureException e) {
            throw new IllegalStateException("keybridge exited before the crash point; see " + log);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("no rotation reached the crash point within " + timeout + "; see " + log);
        }
    }

    /** {@code kill -9}: no shutdown hook, no finally block, nothing flushed. */
    public void kill9() {
        try {
            Process kill = new ProcessBuilder("kill", "-9", String.valueOf(process.pid()))
                    .inheritIO()
                    .start();
            if (kill.waitFor() != 0 || !process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not kill -9 keybridge (pid " + process.pid() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A normal stop (SIGTERM, graceful shutdown). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        try {
            // readiness comes after the start-up runners (recovery of interrupted rotations): the API answers before
            // they are done, and tests that look at what recovery settled must not look earlier
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast(() -> !process.isAlive())
                    .ignoreException(IllegalStateException.class) // not listening yet
                    .until(() -> api.get("/actuator/health/readiness", null).status() == 200
                            && api.get("/api/v1/keys?size=1", ADMIN).status() == 200);
        } catch (org.awaitility.core.TerminalFailureException e) {
            throw new IllegalStateException("keybridge exited during start; see " + log);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            close();
            throw new IllegalStateException("keybridge did not start within 90 s; see " + log);
        }
    }

    private void write(String file, String content) {
        try {
            Files.writeString(folder.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
