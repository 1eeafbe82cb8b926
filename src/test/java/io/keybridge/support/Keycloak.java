package io.keybridge.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Keycloak (the Quarkus distribution from Maven Central, unpacked by {@code scripts/test}) in dev mode on a free
 * loopback port, with the realms of {@code src/test/resources/keycloak} imported: {@code keybridge} (client
 * {@code keybridge} with PKCE required, a groups claim and keybridge as audience; users in team and role groups) and
 * {@code elsewhere} (another issuer). Started once per run, in the background from the first call: it takes about
 * half a minute, which the other tests hide; the tests that sign in call {@link #awaitReady()}.
 */
public final class Keycloak {

    public static final String CLIENT_ID = "keybridge";
    public static final String CLIENT_SECRET = "keybridge-test-client-secret";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Keycloak server;

    private final int port;
    private final Process process;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Keycloak(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** The run's Keycloak, starting (not yet ready) on first call. */
    public static synchronized Keycloak server() {
        if (server == null) {
            server = start();
            Keycloak started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        }
        return server;
    }

    private static Keycloak start() {
        Path home = Path.of(System.getProperty("keybridge.test.keycloak", "keycloak-not-installed"));
        Path kc = home.resolve("bin/kc.sh");
        if (!Files.isExecutable(kc)) {
            throw new IllegalStateException("Keycloak is not installed at " + home + ": scripts/test installs it");
        }
        try {
            Path imports = home.resolve("data/import");
            Files.createDirectories(imports);
            for (String realm : new String[] {"keybridge-realm.json", "elsewhere-realm.json"}) {
                Files.copy(
                        Path.of("src/test/resources/keycloak", realm),
                        imports.resolve(realm),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            int port = KeybridgeProcess.freePort();
            Path log = Path.of("target/keycloak-it.log").toAbsolutePath();
            ProcessBuilder builder = new ProcessBuilder(
                            kc.toString(),
                            "start-dev",
                            "--import-realm",
                            "--db=dev-mem",
                            "--http-host=127.0.0.1",
                            "--http-port=" + port,
                            "--hostname-strict=false")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            return new Keycloak(port, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The issuer of realm {@code keybridge}, known before Keycloak answers. */
    public String issuer() {
        return issuer("keybridge");
    }

    public String issuer(String realm) {
        return "http://127.0.0.1:" + port + "/realms/" + realm;
    }

    /** Waits until both realms answer their discovery documents (at most three minutes, on a busy machine). */
    public Keycloak awaitReady() {
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .failFast("Keycloak exited; see " + log, () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> discovery("keybridge") && discovery("elsewhere"));
        return this;
    }

    /** An access token of {@code user} (password grant) for {@code client} of {@code realm}. */
    public String accessToken(String realm, String client, String secret, String user, String password) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", client);
        form.put("client_secret", secret);
        form.put("username", user);
        form.put("password", password);
        form.put("scope", "openid");
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Keycloak refused a token for " + user + ": " + response.statusCode());
            }
            JsonNode json = JSON.readTree(response.body());
            return json.path("access_token").asString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #accessToken(String, String, String, String, String)} for keybridge's client of realm keybridge. */
    public String accessToken(String user, String password) {
        return accessToken("keybridge", CLIENT_ID, CLIENT_SECRET, user, password);
    }

    private boolean discovery(String realm) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(URI.create(issuer(realm) + "/.well-known/openid-configuration"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200;
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
