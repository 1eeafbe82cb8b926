package io.keybridge.delivery.vault;

import static io.keybridge.support.KeybridgeProcess.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.KeyRequests;
import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBao;
import io.keybridge.support.OpenBaoExtension;
import io.keybridge.support.SecretHygiene;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * keybridge logging in to OpenBao with a workload's JWT ({@code keybridge.vault.authentication=jwt}): OpenBao's JWT
 * method checks the signature ({@code jwt_validation_pubkeys}) and the audience ({@code bound_audiences}), and gives
 * tokens that live 5 s. Mid-run the signing key changes and the token file is replaced, as a platform rotating its
 * workload identity does: keybridge must log in again, with the new file, several times, and never fail an issuance
 * or a rotation.
 */
@ExtendWith(OpenBaoExtension.class)
class VaultJwtLoginIntegrationTests {

    private static final Duration TOKEN_TTL = Duration.ofSeconds(5);

    private final OpenBao bao = OpenBaoExtension.server();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String mount = "jwt-" + run;

    @Test
    void shortLivedTokensAndAReplacedJwtFileGiveFreshLoginsAndNoFailedDelivery() throws Exception {
        KeyPair first = rsa();
        KeyPair second = rsa();
        assertThat(bao.root("POST", "sys/auth/" + mount, "{\"type\":\"jwt\"}").status())
                .isEqualTo(204);
        configure(first);
        String role = """
                {"role_type":"jwt","bound_audiences":["keybridge"],"user_claim":"sub","token_policies":["keybridge"],
                 "token_ttl":"%ds","token_max_ttl":"%ds"}""".formatted(TOKEN_TTL.toSeconds(), TOKEN_TTL.toSeconds());
        assertThat(bao.root("POST", "auth/" + mount + "/role/keybridge", role).status())
                .isEqualTo(204);
        Path folder = Path.of("target/vault-jwt/" + run).toAbsolutePath();
        Files.createDirectories(folder);
        String firstJwt = jwt(first);
        String secondJwt = jwt(second);
        Path tokenFile = Files.writeString(folder.resolve("jwt"), firstJwt);
        String name = "vault-jwt-" + run;
        try (KeybridgeProcess keybridge = KeybridgeProcess.start(
                folder.resolve("keybridge"),
                name,
                List.of(
                        "--keybridge.vault.authentication=jwt",
                        "--keybridge.vault.jwt.role=keybridge",
                        "--keybridge.vault.jwt.path=" + mount,
                        "--keybridge.vault.jwt.token-file=" + tokenFile),
                Map.of("VAULT_TOKEN", ""))) {
            Api.Response initial = issue(keybridge.api(), 0);
            assertThat(initial.status()).isEqualTo(201);
            String previous = initial.json().path("id").asString();

            // the platform rotates its signing key and hands keybridge a new JWT: the old one no longer logs in
            configure(second);
            Path next = Files.writeString(folder.resolve("jwt.next"), secondJwt);
            Files.move(next, tokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Instant switched = Instant.now();
            List<Integer> issued = new ArrayList<>();
            List<Integer> rotated = new ArrayList<>();
            // at least three token lifetimes: every Vault token keybridge held before the switch has expired, and it
            // had to log in again (with the new file) at least three times. Each round issues a key and rotates the
            // one issued before (a rotation answers 202 once its new version is confirmed in Vault)
            for (int i = 1;
                    Instant.now()
                            .isBefore(switched.plus(TOKEN_TTL.multipliedBy(3)).plusSeconds(1));
                    i++) {
                Api.Response created = issue(keybridge.api(), i);
                issued.add(created.status());
                Api.Response rotation = keybridge.api().post("/api/v1/keys/" + previous + "/rotate", ADMIN, Map.of());
                rotated.add(rotation.status());
                if (rotation.status() == 202) {
                    SecretHygiene.remember(bao.keyAt(pathOf(i - 1)));
                }
                if (created.status() == 201) {
                    previous = created.json().path("id").asString();
                }
            }

            assertThat(issued)
                    .as("every issuance across the re-logins")
                    .isNotEmpty()
                    .containsOnly(201);
            assertThat(rotated)
                    .as("every rotation across the re-logins")
                    .isNotEmpty()
                    .containsOnly(202);
            assertThat(keybridge.api().get("/actuator/health", ADMIN).body())
                    .as("the health says how keybridge logs in")
                    .contains("(jwt login, role keybridge, at auth/" + mount + ")");
        }
        String log = Files.readString(Path.of("target/crash-tests/" + name + ".log"));
        // the JWTs' signatures (their header and claims are the same for both): keybridge's own credential, never
        // logged, not even with Spring's HTTP clients at DEBUG as in these tests
        assertThat(log).doesNotContain(firstJwt.substring(firstJwt.lastIndexOf('.') + 1));
        assertThat(log).doesNotContain(secondJwt.substring(secondJwt.lastIndexOf('.') + 1));
    }

    private void configure(KeyPair key) {
        // one line of base64 (Go's PEM reader takes any line length); \\n are the JSON escapes of the newlines
        String pem = "-----BEGIN PUBLIC KEY-----\\n"
                + Base64.getEncoder().encodeToString(key.getPublic().getEncoded())
                + "\\n-----END PUBLIC KEY-----\\n";
        OpenBao.Response configured =
                bao.root("POST", "auth/" + mount + "/config", "{\"jwt_validation_pubkeys\":[\"" + pem + "\"]}");
        assertThat(configured.status()).as(configured.json().toString()).isEqualTo(204);
    }

    private String pathOf(int n) {
        return "jwt-" + run + "/" + n + "/api-key";
    }

    private Api.Response issue(Api api, int n) {
        String path = pathOf(n);
        Api.Response created = api.post(
                "/api/v1/keys",
                ADMIN,
                KeyRequests.key("jwt-" + n + "-" + run, "platform", null, List.of(KeyRequests.vault(path))));
        if (created.status() == 201) {
            SecretHygiene.remember(bao.keyAt(path));
        }
        return created;
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** An RS256 JWT for keybridge, valid for an hour. */
    private static String jwt(KeyPair key) throws Exception {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"sub\":\"keybridge\",\"aud\":\"keybridge\",\"iat\":" + now
                        + ",\"nbf\":" + (now - 5) + ",\"exp\":" + (now + 3600) + "}")
                .getBytes(StandardCharsets.UTF_8));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(key.getPrivate());
        signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + base64.encodeToString(signature.sign());
    }
}
