package io.keybridge.delivery.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.keybridge.support.Api;
import io.keybridge.support.IntegrationTest;
import io.keybridge.support.faults.FaultProxy;
import io.keybridge.support.faults.SwitchableProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vault misbehaving, through proxies in front of the real OpenBao: down, answering 5xx, slow, and so slow that
 * keybridge gives up on a write that landed. In every case the consumer keeps a valid key (except after an emergency
 * rotation, whose point is that the old key stops), nothing is done twice, and keybridge says what happened.
 */
class VaultFaultIntegrationTests extends IntegrationTest {

    private FaultProxy faults() {
        return bao.faults();
    }

    private SwitchableProxy link() {
        return bao.proxy();
    }

    @AfterEach
    void heal() {
        link().up();
        faults().clear();
    }

    @Test
    void issuingWhileVaultIsDownAnswers502AndLeavesNothingThatVerifies() {
        String name = unique("vault-down");
        link().down();
        Api.Response refused = issue(name, unique("team"), unique("down") + "/api-key", List.of("lists:read"));
        link().up();

        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:keybridge:problem:delivery-failed");
        assertThat(api.get("/api/v1/keys?status=active&q=" + name, AUDITOR)
                        .json()
                        .path("totalItems")
                        .asInt())
                .isZero();
    }

    @Test
    void aRotationThatVaultRefusesWith5xxLeavesTheOldKeyValidAndSucceedsOnceVaultIsBack() {
        String path = unique("vault-5xx") + "/api-key";
        String id = issue(unique("vault-5xx"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        faults().refuseVault("/v1/secret/data/keybridge/" + path, 10, 503, "Vault is sealed");

        Api.Response failed = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());

        assertThat(failed.status()).as(failed.body()).isEqualTo(502);
        assertThat(failed.json().path("type").asString()).isEqualTo("urn:keybridge:problem:rotation-failed");
        assertThat(api.verify(VERIFIER, old, List.of()).status())
                .as("the consumer's key stays valid")
                .isEqualTo(200);
        assertThat(api.get("/api/v1/keys/" + id, AUDITOR)
                        .json()
                        .path("rotationError")
                        .asString())
                .contains("503");
        assertThat(readKeyAsConsumer(path)).as("nothing new at Vault").isEqualTo(old);

        faults().clear();
        assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of()).status())
                .isEqualTo(202);
        String fresh = readKeyAsConsumer(path);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, old, List.of()).status())
                .as("the overlap")
                .isEqualTo(200);
        assertThat(bao.metadata("keybridge/" + path)
                        .json()
                        .path("data")
                        .path("current_version")
                        .asInt())
                .as("one new version: the refused attempts wrote nothing")
                .isEqualTo(2);
    }

    @Test
    void aSlowVaultMakesARotationSlowNotWrong() {
        String path = unique("vault-slow") + "/api-key";
        String id = issue(unique("vault-slow"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        faults().delay("/v1/secret/data/keybridge/" + path, Duration.ofSeconds(3));

        long started = System.nanoTime();
        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("rotation through a Vault answering 3 s late: %d ms%n", millis);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        assertThat(millis).isGreaterThanOrEqualTo(3000);
        String fresh = readKeyAsConsumer(path);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, old, List.of()).status()).isEqualTo(200);
        assertThat(bao.metadata("keybridge/" + path)
                        .json()
                        .path("data")
                        .path("current_version")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void aWriteThatLandsButWhoseAnswerIsLostIsNotWrittenTwice() {
        String path = unique("vault-lost") + "/api-key";
        String id = issue(unique("vault-lost"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        // longer than keybridge's read timeout (15 s): the version lands at Vault, keybridge never hears of it
        faults().delay("/v1/secret/data/keybridge/" + path, Duration.ofSeconds(17));

        Api.Response answer = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of());
        System.out.printf("rotation whose Vault write answer was lost: %d%n", answer.status());

        assertThat(api.verify(VERIFIER, old, List.of()).status())
                .as("the old key stays valid")
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            String current = readKeyAsConsumer(path);
            assertThat(api.verify(VERIFIER, current, List.of()).status())
                    .as("whatever Vault holds verifies")
                    .isEqualTo(200);
        });
        if (answer.status() != 202) {
            // the rotation is retried on its schedule; a responder need not wait for it
            assertThat(api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of())
                            .status())
                    .isIn(202, 409);
        }
        int atVault = bao.metadata("keybridge/" + path)
                .json()
                .path("data")
                .path("current_version")
                .asInt();
        int atKeybridge = api.get("/api/v1/keys/" + id, AUDITOR)
                .json()
                .path("currentVersion")
                .asInt();
        assertThat(atVault).as("Vault and keybridge agree on the version").isEqualTo(atKeybridge);
    }

    @Test
    void anEmergencyRotationWhileVaultIsDownStopsTheOldKeyAtOnceAndARetryDeliversTheNewOne() {
        String path = unique("vault-emergency") + "/api-key";
        String id = issue(unique("vault-emergency"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String leaked = readKeyAsConsumer(path);
        link().down();

        Api.Response answer =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "leaked in chat"));

        assertThat(answer.status()).as(answer.body()).isEqualTo(502);
        assertThat(api.verify(VERIFIER, leaked, List.of()).status())
                .as("containment does not wait for Vault")
                .isEqualTo(401);
        link().up();
        Api.Response retried =
                api.post("/api/v1/keys/" + id + "/emergency-rotate", RESPONDER, Map.of("reason", "leaked in chat"));
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        String fresh = readKeyAsConsumer(path);
        assertThat(fresh).isNotEqualTo(leaked);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(api.verify(VERIFIER, leaked, List.of()).status()).isEqualTo(401);
    }

    @Test
    void whenVaultRefusesToRemoveTheOldVersionAtTheOverlapsEndItIsRevokedAnywayAndRemovedOnceVaultIsBack() {
        String path = unique("vault-overlap-end") + "/api-key";
        String id = issue(unique("vault-overlap-end"), unique("team"), path, List.of("lists:read"))
                .json()
                .path("id")
                .asString();
        String old = readKeyAsConsumer(path);
        faults().refuseVault("/v1/secret/destroy/keybridge/" + path, 1_000, 503, "Vault is sealed");

        Api.Response rotated = api.post("/api/v1/keys/" + id + "/rotate", ADMIN, Map.of("overlap", "PT2S"));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
        String fresh = readKeyAsConsumer(path);

        // the overlap's end, and at least one retry of the removal 2 s later, both refused
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(faults().calls().stream()
                                .filter(call -> call.operation().contains("/destroy/keybridge/" + path))
                                .filter(call -> call.status() == 503))
                        .hasSizeGreaterThanOrEqualTo(2));
        assertThat(api.verify(VERIFIER, old, List.of()).status())
                .as("revoked at the overlap's end, whatever Vault says")
                .isEqualTo(401);
        assertThat(api.verify(VERIFIER, fresh, List.of()).status()).isEqualTo(200);
        assertThat(readKeyAsConsumer(path)).isEqualTo(fresh);
        assertThat(latestRotationState(id))
                .as("not complete while Vault keeps the old version")
                .isEqualTo("REVOKING");
        assertThat(versionDestroyed(path, 1)).isFalse();

        faults().clear();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(versionDestroyed(path, 1))
                    .as("removed once Vault is back")
                    .isTrue();
            assertThat(latestRotationState(id)).isEqualTo("COMPLETED");
        });
        assertThat(versionDestroyed(path, 2))
                .as("the consumer's version is untouched")
                .isFalse();
        assertThat(api.verify(VERIFIER, readKeyAsConsumer(path), List.of()).status())
                .isEqualTo(200);
    }

    private boolean versionDestroyed(String path, int version) {
        return bao.metadata("keybridge/" + path)
                .json()
                .path("data")
                .path("versions")
                .path(String.valueOf(version))
                .path("destroyed")
                .asBoolean();
    }
}
