package io.keybridge.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.delivery.memory.MemoryDestination;
import io.keybridge.security.ApiTokens;
import io.keybridge.support.clock.MutableClock;
import io.keybridge.support.faults.ConnectionCounter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole application on a random port, against the real OpenBao, moto and webhook receiver of the run
 * ({@link RunScopedServer}) and an in-memory H2, with a clock tests can move. One Spring context serves every
 * integration test class, which is why every such class asks for all three: the context's settings name them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith({OpenBaoExtension.class, MotoExtension.class, WebhookReceiverExtension.class})
@Import(IntegrationTest.TestClock.class)
public abstract class IntegrationTest {

    protected static final String ADMIN = "it-admin-" + UUID.randomUUID();
    protected static final String RESPONDER = "it-responder-" + UUID.randomUUID();
    protected static final String AUDITOR = "it-auditor-" + UUID.randomUUID();
    protected static final String VERIFIER = "it-gateway-" + UUID.randomUUID();
    /** The owners whose keys the Keycloak groups team:revops and team:growth may act on (RESPONDER). */
    protected static final String SSO_REVOPS = "sso-revops";

    protected static final String SSO_GROWTH = "sso-growth";

    private static volatile JdbcClient sharedJdbc;

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected StepProbe probe;

    @Autowired
    protected JdbcClient jdbc;

    protected Api api;
    protected OpenBao bao;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OpenBao server = OpenBaoExtension.server();
        registry.add("keybridge.vault.uri", server::keybridgeAddress);
        registry.add("keybridge.vault.token", server::keybridgeToken);
        Moto moto = Moto.server();
        registry.add("keybridge.aws.endpoint", moto::proxiedEndpoint);
        registry.add("keybridge.aws.region", () -> Moto.REGION);
        // the roles of other accounts are assumed at moto's STS (straight, not through the proxy tests take down)
        registry.add("keybridge.aws.sts-endpoint", moto::endpoint);
        // low enough that a bulk run of a few AWS keys meets the limit; short enough that a lost answer is retried soon
        registry.add("keybridge.aws.writes-per-second", () -> "10");
        registry.add("keybridge.aws.attempt-timeout", () -> "2s");
        // a placeholder, so that the tests run on PostgreSQL can give their own (see Postgres.register)
        registry.add(
                "spring.datasource.url",
                () -> "${keybridge.test.datasource-url:jdbc:h2:mem:keybridge-it;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000}");
        registry.add("keybridge.security.admin-token", () -> ADMIN);
        // every refusal row at the next flush, so tests see theirs at once (the default sums a group up per minute)
        registry.add("keybridge.audit.refusal-summary-interval", () -> "PT0S");
        registry.add("keybridge.rotation.policies", () -> "src/test/resources/rotation-policies");
        registry.add("keybridge.rotation.minimum-overlap", () -> "PT1S");
        registry.add("keybridge.rotation.removal-retry", () -> "PT2S");
        registry.add("keybridge.revocation.cleanup-retry", () -> "PT2S");
        // the tests that remove secrets by hand expect no re-delivery behind their back: the lost-version check runs
        // when a test calls it
        registry.add("keybridge.monitoring.lost-version-check-delay", () -> "PT24H");
        registry.add("keybridge.security.admin-token-file", () -> "target/it-data/admin-token");
        registry.add("keybridge.leak-reports.secret", () -> LeakReporter.SECRET);
        registry.add("keybridge.leak-reports.public-key-file", () -> LeakReporter.PUBLIC_KEY_FILE.toString());
        WebhookReceiver receiver = WebhookReceiver.get();
        registry.add("keybridge.webhooks.endpoints[0].name", () -> "it-receiver");
        registry.add("keybridge.webhooks.endpoints[0].url", receiver::url);
        registry.add("keybridge.webhooks.endpoints[0].secret", () -> WebhookReceiver.SECRET);
        registry.add("keybridge.webhooks.initial-backoff", () -> "200ms");
        registry.add("keybridge.webhooks.poll-interval", () -> "200ms");
        // usage is flushed by the tests that replay traffic, at the moments they choose
        registry.add("keybridge.usage.flush-interval", () -> "PT1H");
        registry.add("keybridge.rotation.straggler-check-interval", () -> "PT1S");
        // findings whose condition went away resolve within a second or so
        registry.add("keybridge.monitoring.settle-interval", () -> "PT1S");
        // single sign-on through the run's Keycloak (started here in the background; the provider is read lazily)
        Keycloak keycloak = Keycloak.server();
        registry.add("keybridge.security.oidc.issuer-uri", keycloak::issuer);
        registry.add("keybridge.security.oidc.client-id", () -> Keycloak.CLIENT_ID);
        registry.add("keybridge.security.oidc.client-secret", () -> Keycloak.CLIENT_SECRET);
        String[][] bindings = {
            {"keybridge-admin", "ADMIN", ""},
            {"keybridge-auditor", "AUDITOR", ""},
            {"team:revops", "RESPONDER", SSO_REVOPS},
            {"team:growth", "RESPONDER", SSO_GROWTH}
        };
        for (int i = 0; i < bindings.length; i++) {
            String[] binding = bindings[i];
            String prefix = "keybridge.security.oidc.bindings[" + i + "].";
            registry.add(prefix + "group", () -> binding[0]);
            registry.add(prefix + "roles", () -> binding[1]);
            if (!binding[2].isEmpty()) {
                registry.add(prefix + "owners", () -> binding[2]);
            }
        }
        List<Map.Entry<String, String>> tokens = List.of(
                Map.entry("responder", RESPONDER), Map.entry("auditor", AUDITOR), Map.entry("gateway", VERIFIER));
        String[] roles = {"RESPONDER", "AUDITOR", "VERIFIER"};
        for (int i = 0; i < tokens.size(); i++) {
            int index = i;
            registry.add(
                    "keybridge.security.tokens[" + i + "].name",
                    () -> tokens.get(index).getKey());
            registry.add(
                    "keybridge.security.tokens[" + i + "].sha256",
                    () -> ApiTokens.sha256(tokens.get(index).getValue()));
            registry.add("keybridge.security.tokens[" + i + "].roles", () -> roles[index]);
        }
    }

    @BeforeEach
    void connect() {
        api = new Api(port);
        bao = OpenBaoExtension.server();
        clock.reset();
        probe.clear();
        sharedJdbc = jdbc;
    }

    @AfterAll
    static void noKeyLeaked() {
        if (sharedJdbc != null) {
            SecretHygiene.assertNoLeaks(sharedJdbc);
        }
    }

    /** How many rotation batches have run so far, and how many rotations they carried. */
    protected record RotationBatches(double batches, double rotations) {

        /** The batches and rotations since {@code before}. */
        public RotationBatches since(RotationBatches before) {
            return new RotationBatches(batches - before.batches, rotations - before.rotations);
        }
    }

    /** Read from the metric {@code keybridge.rotation.batch.size} (absent until the first batch). */
    protected RotationBatches rotationBatches() {
        Api.Response metric = api.get("/actuator/metrics/keybridge.rotation.batch.size", ADMIN);
        if (metric.status() == 404) {
            return new RotationBatches(0, 0);
        }
        assertThat(metric.status()).as(metric.body()).isEqualTo(200);
        double count = 0;
        double total = 0;
        for (JsonNode measurement : metric.json().path("measurements")) {
            switch (measurement.path("statistic").asString()) {
                case "COUNT" -> count = measurement.path("value").asDouble();
                case "TOTAL" -> total = measurement.path("value").asDouble();
                default -> {}
            }
        }
        return new RotationBatches(count, total);
    }

    /** A name no other test uses. */
    protected static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Issues a key (live, {@code lists:read}, a unique name) to the given destinations as ADMIN. */
    protected Api.Response issueTo(String owner, List<? extends Map<String, ?>> destinations) {
        return api.post("/api/v1/keys", ADMIN, KeyRequests.key(unique("key"), owner, null, destinations));
    }

    /** Issues a key into one Vault path as ADMIN. */
    protected Api.Response issue(String name, String owner, String path, List<String> scopes) {
        return api.post(
                "/api/v1/keys",
                ADMIN,
                Map.of(
                        "name", name,
                        "environment", "live",
                        "owner", owner,
                        "scopes", scopes,
                        "destinations", List.of(Map.of("type", "vault", "path", path))));
    }

    /** Issues a key into one Vault path as ADMIN, and answers its id. */
    protected String issueId(String name, String owner, String path, List<String> scopes) {
        Api.Response created = issue(name, owner, path, scopes);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().path("id").asString();
    }

    /**
     * Reads a delivered key as its consumer would: with a token holding only the consumer policy for that path, via
     * the real {@code bao kv get}.
     */
    protected String readKeyAsConsumer(String path) {
        OpenBao.Cli read = bao.bao(bao.consumerToken(path), "kv", "get", "-format=json", "secret/keybridge/" + path);
        assertThat(read.exitCode()).as(read.stderr()).isZero();
        JsonNode data = read.json().path("data").path("data");
        String key = data.path("api_key").asString();
        SecretHygiene.remember(key);
        return key;
    }

    /** The state of the key's newest rotation. */
    protected String latestRotationState(String keyId) {
        return RotationHistory.of(api, AUDITOR, keyId).getFirst().path("state").asString();
    }

    /**
     * Reads a delivered key over Vault's HTTP API (with the root token): for tests that read hundreds of keys, where
     * the CLI's start-up time would dominate. Other tests read as the consumer does, with {@link #readKeyAsConsumer}.
     */
    protected String readKeyOverHttp(String path) {
        String key = bao.keyAt(path);
        assertThat(key).as("the key at " + path).isNotNull();
        return key;
    }

    /**
     * A clock tests can move, a probe into rotation steps, a count of the database connections request threads take,
     * and a secret store defined in the tests.
     */
    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }

        @Bean
        StepProbe stepProbe() {
            return new StepProbe();
        }

        @Bean
        static ConnectionCounter connectionCounter() {
            return new ConnectionCounter();
        }

        /** A third secret store from the test sources, and a fourth that numbers versions itself. */
        @Bean
        MemoryDestination memoryDestination() {
            return MemoryDestination.planned();
        }

        @Bean
        MemoryDestination autoNumberedMemoryDestination() {
            return MemoryDestination.numberedByTheStore();
        }
    }
}
