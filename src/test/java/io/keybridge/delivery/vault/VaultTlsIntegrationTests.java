package io.keybridge.delivery.vault;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.SecretHygiene;
import io.keybridge.support.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.core.VaultTemplate;

/**
 * keybridge reaching Vault over TLS with a private CA, as production Vault runs: an OpenBao with two TLS listeners
 * beside its dev one, one of them requiring a client certificate ({@code tls_require_and_verify_client_cert}), and
 * keybridge configured with Vault's own variables ({@code VAULT_CACERT}, {@code VAULT_CLIENT_CERT},
 * {@code VAULT_CLIENT_KEY}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultTlsIntegrationTests {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Path folder = Path.of("target/vault-tls/" + run).toAbsolutePath();
    private TestCertificates tls;
    private TestCertificates otherCa;
    private OpenBao bao;
    private int tlsPort;
    private int mutualPort;
    /** A listener whose certificate names only {@link #SERVER_NAME}, reached at 127.0.0.1. */
    private int namedPort;

    private static final String SERVER_NAME = "vault.internal.test";
    private static final String LOOKUP_SELF = "auth/token/lookup-self";

    @BeforeAll
    void start() throws Exception {
        tls = TestCertificates.create(folder.resolve("pki"));
        otherCa = TestCertificates.create(folder.resolve("other-pki"));
        tlsPort = KeybridgeProcess.freePort();
        mutualPort = KeybridgeProcess.freePort();
        namedPort = KeybridgeProcess.freePort();
        Path named = tls.issueServer("vault-named", "DNS:" + SERVER_NAME);
        Path listeners = Files.writeString(folder.resolve("listeners.hcl"), """
                listener "tcp" {
                  address       = "127.0.0.1:%d"
                  tls_cert_file = "%s"
                  tls_key_file  = "%s"
                }
                listener "tcp" {
                  address                            = "127.0.0.1:%d"
                  tls_cert_file                      = "%s"
                  tls_key_file                       = "%s"
                  tls_client_ca_file                 = "%s"
                  tls_require_and_verify_client_cert = true
                }
                listener "tcp" {
                  address       = "127.0.0.1:%d"
                  tls_cert_file = "%s"
                  tls_key_file  = "%s"
                }
                """.formatted(
                        tlsPort,
                        tls.serverCertificate(),
                        tls.serverKey(),
                        mutualPort,
                        tls.serverCertificate(),
                        tls.serverKey(),
                        tls.ca(),
                        namedPort,
                        named,
                        named.resolveSibling("vault-named.key")));
        bao = OpenBao.startWith(List.of("-config=" + listeners));
    }

    @AfterAll
    void stop() {
        if (bao != null) {
            bao.close();
        }
    }

    @Test
    void withTheCaAndAClientCertificateKeybridgeDeliversOverMutualTls() {
        try (KeybridgeProcess keybridge = start(
                "mutual",
                mutualPort,
                List.of(
                        "--keybridge.vault.tls.client-cert=" + tls.clientCertificate(),
                        "--keybridge.vault.tls.client-key=" + tls.clientKey()),
                Map.of("VAULT_CACERT", tls.ca().toString()))) {
            String path = "tls-" + run + "/mutual/api-key";
            Api.Response created = issue(keybridge.api(), path);

            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String key = bao.keyAt(path);
            SecretHygiene.remember(key);
            assertThat(keybridge
                            .api()
                            .verify(KeybridgeProcess.VERIFIER, key, List.of())
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void withTheCertLoginKeybridgeNeedsNoTokenAtAllOnlyItsClientCertificate() throws Exception {
        String mount = "cert-" + run;
        assertThat(bao.root("POST", "sys/auth/" + mount, "{\"type\":\"cert\"}").status())
                .isEqualTo(204);
        String ca = Files.readString(tls.ca()).replace("\n", "\\n");
        assertThat(bao.root(
                                "POST",
                                "auth/" + mount + "/certs/keybridge",
                                "{\"certificate\":\"" + ca
                                        + "\",\"token_policies\":[\"keybridge\"],\"token_ttl\":\"1h\"}")
                        .status())
                .isEqualTo(204);
        try (KeybridgeProcess keybridge = start(
                "cert-login",
                mutualPort,
                List.of(
                        "--keybridge.vault.authentication=cert",
                        "--keybridge.vault.cert.path=" + mount,
                        "--keybridge.vault.cert.role=keybridge",
                        "--keybridge.vault.tls.client-cert=" + tls.clientCertificate(),
                        "--keybridge.vault.tls.client-key=" + tls.clientKey()),
                Map.of("VAULT_CACERT", tls.ca().toString(), "VAULT_TOKEN", ""))) {
            String path = "tls-" + run + "/cert-login/api-key";
            Api.Response created = issue(keybridge.api(), path);

            assertThat(created.status()).as(created.body()).isEqualTo(201);
            SecretHygiene.remember(bao.keyAt(path));
        }
    }

    @Test
    void aVaultCertificateFromAnotherCaIsRefusedWithTheReasonAndNothingIsKept() throws Exception {
        try (KeybridgeProcess keybridge = start(
                "other-ca",
                tlsPort,
                List.of(),
                Map.of("VAULT_CACERT", otherCa.ca().toString()))) {
            String path = "tls-" + run + "/other-ca/api-key";
            Api.Response refused = issue(keybridge.api(), path);
            Api.Response health = keybridge.api().get("/actuator/health", ADMIN);

            assertThat(refused.status()).as(refused.body()).isEqualTo(502);
            assertThat(refused.json().path("type").asString()).endsWith(":delivery-failed");
            assertThat(health.body())
                    .as("the health names the certificate problem and the setting")
                    .contains("TLS with Vault failed (Path does not chain with any of the trust anchors)")
                    .contains("VAULT_CACERT");
            assertThat(refused.json().path("detail").asString()).contains("TLS with Vault failed");
            assertThat(bao.keyAt(path)).isNull();
        }
    }

    @Test
    void vaultTlsServerNameIsTheNameVaultsCertificateIsCheckedAgainst() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        try {
            VaultTemplate byAddress = template(null, scheduler);
            assertThatThrownBy(() -> byAddress.read(LOOKUP_SELF))
                    .as("the certificate names %s, not 127.0.0.1", SERVER_NAME)
                    .satisfies(e -> assertThat(VaultKvDestination.describe(e))
                            .startsWith("TLS with Vault failed")
                            .contains("VAULT_TLS_SERVER_NAME"));
            assertThatThrownBy(() -> template("vault.elsewhere.test", scheduler).read(LOOKUP_SELF))
                    .as("another name")
                    .satisfies(e -> assertThat(VaultKvDestination.describe(e)).startsWith("TLS with Vault failed"));

            VaultTemplate byName = template(SERVER_NAME, scheduler);
            assertThat(byName.read(LOOKUP_SELF)
                            .getRequiredData()
                            .get("policies")
                            .toString())
                    .as("trusted by name: Vault answers")
                    .contains("keybridge");
        } finally {
            scheduler.shutdown();
        }
    }

    private VaultTemplate template(String serverName, ThreadPoolTaskScheduler scheduler) {
        VaultProperties properties = TestVaultProperties.of(
                URI.create("https://127.0.0.1:" + namedPort),
                VaultProperties.Authentication.TOKEN,
                bao.keybridgeToken(),
                new VaultProperties.AppRole(null, null, null, "approle"),
                new VaultProperties.Tls(tls.ca().toString(), null, null, null, serverName));
        return new VaultConfiguration().vaultTemplate(properties, scheduler);
    }

    @Test
    void withoutAClientCertificateTheMutualListenerRefusesKeybridge() {
        try (KeybridgeProcess keybridge = start(
                "no-client-cert",
                mutualPort,
                List.of(),
                Map.of("VAULT_CACERT", tls.ca().toString()))) {
            Api.Response refused = issue(keybridge.api(), "tls-" + run + "/no-client-cert/api-key");

            assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        }
    }

    @Test
    void aCaFileWithoutACertificateStopsStartUpNamingTheSetting() throws Exception {
        Path notACertificate = Files.writeString(folder.resolve("not-a-ca.pem"), "hello\n");
        assertThatThrownBy(() -> start("bad-ca", tlsPort, List.of(), Map.of("VAULT_CACERT", notACertificate.toString()))
                        .close())
                .hasMessageContaining("exited during start");
        assertThat(Files.readString(Path.of("target/crash-tests/vault-tls-bad-ca-" + run + ".log")))
                .contains(
                        "VAULT_CACERT (keybridge.vault.tls.ca-cert) " + notACertificate + " holds no PEM certificate");
    }

    private KeybridgeProcess start(String name, int port, List<String> arguments, Map<String, String> environment) {
        List<String> all = new java.util.ArrayList<>(arguments);
        all.add("--keybridge.vault.uri=https://127.0.0.1:" + port);
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.putIfAbsent("VAULT_TOKEN", bao.keybridgeToken());
        return KeybridgeProcess.start(folder.resolve(name), "vault-tls-" + name + "-" + run, all, env);
    }

    private static Api.Response issue(Api api, String path) {
        return api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key(
                        "tls-" + UUID.randomUUID().toString().substring(0, 8),
                        "platform",
                        null,
                        List.of(KeyRequests.vault(path))));
    }
}
