package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.OpenBao;
import io.keybridge.verification.VerificationIndex;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.vault.VaultException;
import org.springframework.vault.core.VaultTemplate;
import tools.jackson.databind.JsonNode;

/** When Vault refuses, no valid key exists that nobody holds. */
class DeliveryFailureIntegrationTests extends IntegrationTest {

    @Autowired
    VerificationIndex index;

    @Autowired
    VaultTemplate keybridgeVault;

    @Test
    void aRefusedPushAnswers502RevokesTheKeyAndLeavesNothingThatVerifies() {
        String owner = unique("refused");
        String path = OpenBao.DENIED_FOLDER + "/" + unique("svc") + "/api-key";

        Api.Response response = issue(unique("refused"), owner, path, List.of("lists:read"));

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.path("type").asString()).isEqualTo("urn:keybridge:problem:delivery-failed");
        assertThat(problem.path("destination").asString()).isEqualTo("secret/keybridge/" + path);
        assertThat(problem.path("detail").asString())
                .contains("secret/keybridge/" + path)
                .contains("permission denied");
        UUID keyId = UUID.fromString(problem.path("keyId").asString());
        assertThat(index.accepts(keyId)).isFalse();
        JsonNode keys = api.get("/api/v1/keys?owner=" + owner, ADMIN).json().path("items");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).path("status").asString()).isEqualTo("REVOKED");
        assertThat(keys.get(0).path("destinations").get(0).path("state").asString())
                .isEqualTo("FAILED");
        assertThat(api.get("/api/v1/keys?owner=" + owner + "&status=active", ADMIN)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
        assertThat(bao.metadata("keybridge/" + path).status()).isEqualTo(404);
    }

    @Test
    void whatWasWrittenToEarlierDestinationsIsRemovedWhenALaterOneFails() {
        String owner = unique("partial");
        String written = unique("first") + "/api-key";
        String denied = OpenBao.DENIED_FOLDER + "/" + unique("second") + "/api-key";

        Api.Response response = api.post(
                "/api/v1/keys",
                ADMIN,
                Map.of(
                        "name", unique("partial"),
                        "environment", "live",
                        "owner", owner,
                        "scopes", List.of("lists:read"),
                        "destinations",
                                List.of(
                                        Map.of("type", "vault", "path", written),
                                        Map.of("type", "vault", "path", denied))));

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().path("destination").asString()).isEqualTo("secret/keybridge/" + denied);
        assertThat(index.accepts(UUID.fromString(response.json().path("keyId").asString())))
                .isFalse();
        assertThat(bao.metadata("keybridge/" + written).status())
                .as("the secret keybridge created for the failed key is gone")
                .isEqualTo(404);
        JsonNode key = api.get("/api/v1/keys?owner=" + owner, ADMIN)
                .json()
                .path("items")
                .get(0);
        assertThat(key.path("destinations").get(0).path("state").asString()).isEqualTo("REMOVED");
        assertThat(key.path("destinations").get(1).path("state").asString()).isEqualTo("FAILED");
    }

    @Test
    void keybridgeRefusesToOverwriteASecretItDoesNotManage() {
        String path = unique("foreign") + "/api-key";
        bao.root("POST", "secret/data/keybridge/" + path, "{\"data\":{\"password\":\"hunter2\"}}");

        String name = unique("foreign");
        Api.Response response = issue(name, "ops", path, List.of("lists:read"));

        // the caller's choice of path, not a failing destination: 409, and no key record is left behind
        assertThat(response.status()).as(response.body()).isEqualTo(409);
        assertThat(response.json().path("type").asString()).isEqualTo("urn:keybridge:problem:path-not-managed");
        assertThat(response.json().path("detail").asString()).contains("does not manage");
        assertThat(api.get("/api/v1/keys?q=" + name, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
        assertThat(api.get("/api/v1/audit?action=key.issue&size=100", AUDITOR).body())
                .as("the refusal is audited")
                .contains(path + " holds a secret keybridge does not manage");
        JsonNode metadata = bao.metadata("keybridge/" + path).json().path("data");
        assertThat(metadata.path("current_version").asInt()).isEqualTo(1);
        assertThat(metadata.path("versions").path("1").path("destroyed").asBoolean())
                .isFalse();
    }

    @Test
    void keybridgeRunsWithItsOwnPolicyAndCannotReadTheKeysItDelivered() {
        String path = unique("unreadable") + "/api-key";
        assertThat(issue(unique("unreadable"), "ops", path, List.of("lists:read"))
                        .status())
                .isEqualTo(201);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> keybridgeVault.read("secret/data/keybridge/" + path))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("403");
        JsonNode self = bao.root("POST", "auth/token/lookup", "{\"token\":\"" + bao.keybridgeToken() + "\"}")
                .json();
        assertThat(self.path("data").path("policies").toString())
                .contains("keybridge")
                .doesNotContain("root");
    }
}
