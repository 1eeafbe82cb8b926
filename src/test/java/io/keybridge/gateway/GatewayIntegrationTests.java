package io.keybridge.gateway;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * keybridge behind the real gateways, each started from the config in {@code policies/gateways/} as shipped: Envoy
 * (HTTP and gRPC ext_authz) and Caddy authenticate with the VERIFIER token in {@code X-Keybridge-Token}, NGINX too,
 * Traefik with a TLS client certificate. keybridge serves TLS from a private CA, in a JVM of its own. Each gateway's
 * client calls from its own loopback address, and each test from its own, so that one test's refusals do not reach the
 * guess limit of another.
 */
@ExtendWith(OpenBaoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIntegrationTests {

    private static final String SPOOFED = "spoofed-by-client";

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<Gateway.Kind, Gateway> gateways = new EnumMap<>(Gateway.Kind.class);
    private RecordingUpstream upstream;
    private KeybridgeProcess keybridge;
    private Api api;

    @BeforeAll
    void start() throws Exception {
        Path folder = Path.of("target/gateway-tests/" + run);
        TestCertificates tls = TestCertificates.create(folder.resolve("tls"));
        int grpcPort = KeybridgeProcess.freePort();
        List<String> arguments = new java.util.ArrayList<>(tls.serverArguments());
        arguments.addAll(List.of(
                "--keybridge.gateway.grpc.port=" + grpcPort,
                "--keybridge.security.certificates[0].name=traefik",
                "--keybridge.security.certificates[0].common-name=" + TestCertificates.CLIENT_COMMON_NAME,
                "--keybridge.security.certificates[0].roles=VERIFIER"));
        keybridge = KeybridgeProcess.start(
                folder.resolve("keybridge"), "gateways-" + run, arguments, Map.of(), tls.trustingClient());
        api = keybridge.api();
        upstream = new RecordingUpstream();
        Map<String, String> values = Map.of(
                "KEYBRIDGE_HOST", "127.0.0.1",
                "KEYBRIDGE_TLS_NAME", "localhost",
                "KEYBRIDGE_PORT", Integer.toString(keybridge.port()),
                "KEYBRIDGE_GRPC_PORT", Integer.toString(grpcPort),
                "UPSTREAM_HOST", "127.0.0.1",
                "UPSTREAM_PORT", Integer.toString(upstream.port()),
                "VERIFIER_TOKEN", KeybridgeProcess.VERIFIER,
                "CA_FILE", tls.ca().toAbsolutePath().toString(),
                "CLIENT_CERT_FILE", tls.clientCertificate().toAbsolutePath().toString(),
                "CLIENT_KEY_FILE", tls.clientKey().toAbsolutePath().toString());
        for (Gateway.Kind kind : Gateway.Kind.values()) {
            gateways.put(kind, Gateway.start(kind, folder, values));
        }
    }

    @AfterAll
    void stop() {
        gateways.values().forEach(Gateway::close);
        if (upstream != null) {
            upstream.close();
        }
        if (keybridge != null) {
            keybridge.close();
            SecretHygiene.assertNoKeyInLog(keybridge.log());
            for (Gateway gateway : gateways.values()) {
                try {
                    assertThat(SecretHygiene.leaksIn(java.nio.file.Files.readString(gateway.log())))
                            .as("keys in %s", gateway.log())
                            .isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void aValidKeyReachesTheUpstreamWithWhoItIsAndWithoutTheKey(Gateway.Kind kind) {
        Key key = issue(kind, List.of("lists:read"), null);
        LoopbackClient client = client(kind, 1);

        Map<String, String> headers = new HashMap<>(Map.of("X-API-Key", key.material()));
        headers.put("X-Keybridge-Owner", SPOOFED);
        headers.put("X-Keybridge-Scopes", "lists:write leads:write");
        // an alias a CGI-style upstream would read as X-Keybridge-Owner (Caddy has no setting that drops these)
        headers.put("X_Keybridge_Owner", SPOOFED);
        RecordingUpstream.Received viaHeader = reached(kind, client, "GET", "/v1/lists/42?page=2", headers);
        RecordingUpstream.Received viaBearer =
                reached(kind, client, "GET", "/v1/lists/42", Map.of("Authorization", "Bearer " + key.material()));

        for (RecordingUpstream.Received received : List.of(viaHeader, viaBearer)) {
            assertThat(received.headers())
                    .as("%s: the identity headers", kind)
                    .containsEntry("x-keybridge-key-id", key.id())
                    .containsEntry("x-keybridge-owner", "gateway-team")
                    .containsEntry("x-keybridge-environment", "live")
                    .containsEntry("x-keybridge-scopes", "lists:read")
                    .containsKey("x-keybridge-key-name");
            assertThat(received.headers().toString())
                    .as("%s: the upstream never sees the key", kind)
                    .doesNotContain(key.material());
            assertThat(received.headers()).doesNotContainKeys("x-api-key", "x-keybridge-token");
            if (kind != Gateway.Kind.CADDY) {
                assertThat(received.headers()).doesNotContainKey("x_keybridge_owner");
            }
        }
        assertThat(viaHeader.uri()).isEqualTo("/v1/lists/42?page=2");
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void invalidKeysAre401AndNeverReachTheUpstream(Gateway.Kind kind) {
        Key revoked = issue(kind, List.of("lists:read"), null);
        assertThat(api.post("/api/v1/keys/" + revoked.id() + "/revoke", ADMIN, Map.of("reason", "test"))
                        .status())
                .isEqualTo(200);
        Instant expiry = Instant.now().plusSeconds(2);
        Key expired = issue(kind, List.of("lists:read"), expiry);
        LoopbackClient client = client(kind, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(expiry.plusMillis(200)));
        String badChecksum = revoked.material().substring(0, revoked.material().length() - 1)
                + (revoked.material().endsWith("A") ? "B" : "A");
        int before = upstream.count();

        Map<String, Map<String, String>> cases = new java.util.LinkedHashMap<>();
        cases.put("no key", Map.of());
        cases.put("bad checksum", Map.of("X-API-Key", badChecksum));
        cases.put("revoked", Map.of("X-API-Key", revoked.material()));
        cases.put("expired", Map.of("Authorization", "Bearer " + expired.material()));
        for (Map.Entry<String, Map<String, String>> refused : cases.entrySet()) {
            LoopbackClient.Answer answer = client.send(port(kind), "GET", "/v1/lists/1", refused.getValue());
            assertThat(answer.status())
                    .as("%s, %s: %s", kind, refused.getKey(), answer.body())
                    .isEqualTo(401);
            assertThat(answer.headers())
                    .as("%s, %s", kind, refused.getKey())
                    .containsEntry("www-authenticate", "ApiKey");
            assertThat(answer.body()).as("%s, %s", kind, refused.getKey()).contains("invalid-api-key");
        }
        assertThat(upstream.count())
                .as("%s: no refused call reached the upstream", kind)
                .isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void aMissingScopeAndAnUnmatchedRouteAre403(Gateway.Kind kind) {
        Key key = issue(kind, List.of("lists:read"), null);
        LoopbackClient client = client(kind, 3);
        int before = upstream.count();

        LoopbackClient.Answer missing =
                client.send(port(kind), "POST", "/v1/lists/1", Map.of("X-API-Key", key.material()));
        LoopbackClient.Answer noRoute =
                client.send(port(kind), "GET", "/v1/admin/users", Map.of("X-API-Key", key.material()));

        assertThat(missing.status()).as("%s: %s", kind, missing.body()).isEqualTo(403);
        assertThat(missing.body()).contains("missing-scope").contains("lists:write");
        assertThat(noRoute.status()).as("%s: %s", kind, noRoute.body()).isEqualTo(403);
        assertThat(noRoute.body()).contains("no-route");
        // a client's own query string must not state the scopes for it
        LoopbackClient.Answer selfStated =
                client.send(port(kind), "GET", "/v1/admin/users?scopes=", Map.of("X-API-Key", key.material()));
        assertThat(selfStated.status()).as("%s: %s", kind, selfStated.body()).isEqualTo(403);
        assertThat(upstream.count()).isEqualTo(before);
        if (kind == Gateway.Kind.ENVOY_GRPC) {
            // that route of the shipped config states its scopes itself (context_extensions), over the route table
            LoopbackClient.Answer stated =
                    client.send(port(kind), "GET", "/v1/reports/daily", Map.of("X-API-Key", key.material()));
            assertThat(stated.status()).as(stated.body()).isEqualTo(403);
            assertThat(stated.body()).contains("leads:read");
        }
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void aRevocationIsRefusedOnTheVeryNextRequest(Gateway.Kind kind) {
        Key key = issue(kind, List.of("lists:read"), null);
        LoopbackClient client = client(kind, 4);
        reached(kind, client, "GET", "/v1/lists/1", Map.of("X-API-Key", key.material()));

        assertThat(api.post("/api/v1/keys/" + key.id() + "/revoke", ADMIN, Map.of("reason", "leaked"))
                        .status())
                .isEqualTo(200);
        LoopbackClient.Answer next = client.send(port(kind), "GET", "/v1/lists/1", Map.of("X-API-Key", key.material()));

        assertThat(next.status()).as("%s: %s", kind, next.body()).isEqualTo(401);
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void duringARotationsOverlapBothVersionsPass(Gateway.Kind kind) {
        Key key = issue(kind, List.of("lists:read"), null);
        LoopbackClient client = client(kind, 5);
        Api.Response rotated = api.post("/api/v1/keys/" + key.id() + "/rotate", ADMIN, Map.of("overlap", "PT10M"));
        assertThat(rotated.status()).as(rotated.body()).isIn(200, 202);
        String current = bao.keyAt(key.path());
        SecretHygiene.remember(current);
        assertThat(current).isNotEqualTo(key.material());

        reached(kind, client, "GET", "/v1/lists/1", Map.of("X-API-Key", key.material()));
        reached(kind, client, "GET", "/v1/lists/1", Map.of("X-API-Key", current));
    }

    @ParameterizedTest
    @EnumSource(Gateway.Kind.class)
    void theGuessLimitGivesTheClient429(Gateway.Kind kind) {
        LoopbackClient client = client(kind, 6);
        LoopbackClient.Answer answer = null;
        for (int i = 0; i < 40 && (answer == null || answer.status() != 429); i++) {
            answer = client.send(port(kind), "GET", "/v1/lists/1", Map.of("X-API-Key", "ee_live_" + "7".repeat(49)));
            assertThat(answer.status()).as("%s: %s", kind, answer.body()).isIn(401, 429);
        }
        assertThat(answer.status()).as("%s: %s", kind, answer.body()).isEqualTo(429);
        assertThat(Long.parseLong(answer.headers().get("retry-after"))).isPositive();
        assertThat(answer.body()).contains("too-many-refusals");
        LoopbackClient.Answer elsewhere = client(kind, 7)
                .send(port(kind), "GET", "/v1/lists/1", Map.of("X-API-Key", "ee_live_" + "7".repeat(49)));
        assertThat(elsewhere.status())
                .as("%s: another client is not limited", kind)
                .isEqualTo(401);
    }

    private RecordingUpstream.Received reached(
            Gateway.Kind kind, LoopbackClient client, String method, String uri, Map<String, String> headers) {
        int before = upstream.count();
        LoopbackClient.Answer answer = client.send(port(kind), method, uri, headers);
        assertThat(answer.status())
                .as("%s %s %s: %s", kind, method, uri, answer.body())
                .isEqualTo(200);
        assertThat(answer.body()).isEqualTo("upstream");
        List<RecordingUpstream.Received> received = upstream.received();
        assertThat(received).hasSizeGreaterThan(before);
        return received.getLast();
    }

    private Key issue(Gateway.Kind kind, List<String> scopes, Instant expiresAt) {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        String path = "gateways-" + run + "/" + name + "/api-key";
        Map<String, Object> request =
                new HashMap<>(KeyRequests.key(name, "gateway-team", null, List.of(KeyRequests.vault(path))));
        request.put("scopes", scopes);
        if (expiresAt != null) {
            request.put("expiresAt", expiresAt.toString());
        }
        Api.Response created = api.post("/api/v1/keys", ADMIN, request);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String material = bao.keyAt(path);
        SecretHygiene.remember(material);
        return new Key(created.json().path("id").asString(), path, material);
    }

    private int port(Gateway.Kind kind) {
        return gateways.get(kind).port();
    }

    /** The client of a test through a gateway: 127.0.(10 + gateway).(test). */
    private static LoopbackClient client(Gateway.Kind kind, int test) {
        return new LoopbackClient("127.0." + (10 + kind.ordinal()) + "." + test);
    }

    private record Key(String id, String path, String material) {}
}
