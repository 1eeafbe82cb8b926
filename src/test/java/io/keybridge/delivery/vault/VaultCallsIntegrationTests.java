package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.faults.FaultProxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * How many calls keybridge makes to Vault, counted by the proxy in front of the real OpenBao: a rotation is one
 * check-and-set write whose answer confirms it, an issuance the data write ({@code cas=0}) and the metadata write; a
 * record that went stale behind keybridge's back (someone wrote a version, removed the secret), like a first delivery
 * to a path that holds a secret already, costs one refused write and one metadata read, and nothing is overwritten.
 */
class VaultCallsIntegrationTests extends IntegrationTest {

    @AfterEach
    void clear() {
        faults().clear();
    }

    private FaultProxy faults() {
        return bao.faults();
    }

    @Test
    void anIssuanceIsTwoCallsAndARotationOneCheckAndSetWrite() {
        String path = unique("calls") + "/api-key";
        faults().clear();
        String id = issue(unique("calls"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();

        assertThat(callsAt(path))
                .as("a first delivery writes version 1 only if the path holds none, then marks the secret")
                .containsExactly("POST data cas=0 -> 200", "POST metadata -> 204");

        String old = readKeyAsConsumer(path);
        faults().clear();
        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        assertThat(callsAt(path)).containsExactly("POST data cas=1 -> 200");
        assertConfirmedAt(id, path, old, 2);

        faults().clear();
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        assertThat(callsAt(path)).containsExactly("POST data cas=2 -> 200");
    }

    @Test
    void aVersionWrittenBehindKeybridgesBackIsReadAndWrittenAfterNotOverwritten() {
        String path = unique("behind") + "/api-key";
        String id = issue(unique("behind"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        // an operator writes a version by hand (the metadata, keybridge's mark, stay as they are)
        assertThat(bao.root("POST", "secret/data/keybridge/" + path, "{\"data\":{\"api_key\":\"by-hand\"}}")
                        .status())
                .isEqualTo(200);
        faults().clear();

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        assertThat(callsAt(path))
                .as("the write planned from keybridge's record is refused, the metadata read, the next version written")
                .containsExactly("POST data cas=1 -> 400", "GET metadata -> 200", "POST data cas=2 -> 200");
        assertThat(bao.metadata("keybridge/" + path)
                        .json()
                        .path("data")
                        .path("versions")
                        .path("2")
                        .path("destroyed")
                        .asBoolean())
                .as("the version written by hand is still there")
                .isFalse();
        String fresh = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        JsonNode destination = api.get("/api/v1/keys/" + id, AUDITOR)
                .json()
                .path("destinations")
                .get(0);
        assertThat(destination.path("state").asString()).isEqualTo("CONFIRMED");
        assertThat(destination.path("version").asString()).isEqualTo("3");
    }

    @Test
    void aSecretRemovedAtVaultIsWrittenAgainFromVersionOne() {
        String path = unique("removed") + "/api-key";
        String id = issue(unique("removed"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        assertThat(bao.root("DELETE", "secret/metadata/keybridge/" + path, null).status())
                .isEqualTo(204);
        faults().clear();

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        assertThat(callsAt(path))
                .containsExactly(
                        "POST data cas=1 -> 400",
                        "GET metadata -> 404",
                        "POST data cas=0 -> 200",
                        "POST metadata -> 204");
        assertConfirmedAt(id, path, old, 1);
        assertThat(keyIdMarkedAt(path))
                .as("the secret is marked as keybridge's again")
                .isEqualTo(id);
    }

    @Test
    void aNewKeyAtAPathAnotherKeyLeftIsWrittenAfterItsVersions() {
        String path = unique("reused") + "/api-key";
        String first = issue(unique("reused"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        assertThat(api.post("/api/v1/keys/" + first + "/revoke", ADMIN, Map.of("reason", "moved on"))
                        .status())
                .isEqualTo(200);
        faults().clear();

        Api.Response second = issue(unique("reused"), unique("team"), path, List.of("lists:read"));

        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(callsAt(path))
                .as("the write of version 1 is refused, the metadata show the secret is keybridge's, version 2 follows")
                .containsExactly(
                        "POST data cas=0 -> 400",
                        "GET metadata -> 200",
                        "POST data cas=1 -> 200",
                        "POST metadata -> 204");
        String fresh = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(keyIdMarkedAt(path)).isEqualTo(second.json().path("id").asString());
    }

    @Test
    void aFirstDeliveryToAPathHoldingAStrangersSecretIsRefusedAndTheSecretLeftAsItWas() {
        String path = unique("stranger") + "/api-key";
        assertThat(bao.root("POST", "secret/data/keybridge/" + path, "{\"data\":{\"api_key\":\"theirs\"}}")
                        .status())
                .isEqualTo(200);
        faults().clear();

        Api.Response refused = issue(unique("stranger"), unique("team"), path, List.of("lists:read"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(callsAt(path))
                .as(
                        "the refused write changed nothing, the metadata read tells whose the secret is, nothing is removed")
                .containsExactly("POST data cas=0 -> 400", "GET metadata -> 200");
        JsonNode metadata = bao.metadata("keybridge/" + path).json().path("data");
        assertThat(metadata.path("current_version").asInt()).isEqualTo(1);
        assertThat(metadata.path("custom_metadata").isNull()
                        || metadata.path("custom_metadata").isEmpty())
                .as("the stranger's secret carries no mark of keybridge's")
                .isTrue();
        assertThat(metadata.path("versions").path("1").path("destroyed").asBoolean())
                .isFalse();
    }

    /** The key the secret's {@code custom_metadata} names, as keybridge marks the secrets it manages. */
    private String keyIdMarkedAt(String path) {
        return bao.metadata("keybridge/" + path)
                .json()
                .path("data")
                .path("custom_metadata")
                .path("key_id")
                .asString();
    }

    private void assertConfirmedAt(String id, String path, String old, int vaultVersion) {
        String fresh = readKeyAsConsumer(path);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, old, List.of()).status())
                .as("the overlap")
                .isEqualTo(200);
        JsonNode key = api.get("/api/v1/keys/" + id, AUDITOR).json();
        JsonNode destination = key.path("destinations").get(0);
        assertThat(destination.path("state").asString()).isEqualTo("CONFIRMED");
        assertThat(destination.path("version").asString()).isEqualTo(String.valueOf(vaultVersion));
        assertThat(bao.metadata("keybridge/" + path)
                        .json()
                        .path("data")
                        .path("current_version")
                        .asInt())
                .isEqualTo(vaultVersion);
    }

    /**
     * keybridge's calls for the secret at {@code path}, in order, as "METHOD data|metadata [cas=N] -> status": the
     * bodies carry keys, so only their check-and-set number is read out of them.
     */
    private List<String> callsAt(String path) {
        String data = "/v1/secret/data/keybridge/" + path;
        String metadata = "/v1/secret/metadata/keybridge/" + path;
        return faults().calls().stream()
                .filter(call -> call.operation().endsWith(" " + data)
                        || call.operation().endsWith(" " + metadata))
                .map(call -> {
                    String method =
                            call.operation().substring(0, call.operation().indexOf(' '));
                    boolean isData = call.operation().endsWith(data);
                    String cas = isData && method.equals("POST") ? " cas=" + cas(call.body()) : "";
                    return method + (isData ? " data" : " metadata") + cas + " -> " + call.status();
                })
                .toList();
    }

    private static String cas(String body) {
        var matcher = java.util.regex.Pattern.compile("\"cas\":(\\d+)").matcher(body);
        return matcher.find() ? matcher.group(1) : "none";
    }
}
