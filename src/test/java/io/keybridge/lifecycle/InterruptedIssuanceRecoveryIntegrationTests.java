package io.keybridge.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyFormat;
import io.keybridge.keys.KeyMaterial;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.support.IntegrationTest;
import io.keybridge.verification.VerificationIndex;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A crash between "written to Vault" and "ACTIVE" leaves a PENDING key whose material died with the process. The
 * recovery that runs at start-up revokes it and removes what reached Vault. Here the crash is reproduced by running
 * the issuance steps by hand and stopping half-way, then running the recovery as a restart would.
 */
class InterruptedIssuanceRecoveryIntegrationTests extends IntegrationTest {

    @Autowired
    ApiKeys keys;

    @Autowired
    KeyVersions versions;

    @Autowired
    Destinations destinations;

    @Autowired
    KeyFormat format;

    @Autowired
    VerificationIndex index;

    @Autowired
    InterruptedIssuanceRecovery recovery;

    /** How far the issuance got before the "kill -9". */
    private enum Reached {
        /** The plan recorded, nothing written. */
        PLANNED,
        /** The data written with the plan's check-and-set, the metadata (keybridge's mark) not yet. */
        DATA_WRITTEN,
        /** Both writes made, nothing more recorded. */
        WRITTEN
    }

    @Test
    void aKeyWrittenToVaultButNeverConfirmedIsRevokedAndRemovedAtTheNextStart() {
        String path = unique("crashed") + "/api-key";
        UUID keyId = interruptedIssuance(path, Reached.WRITTEN);
        assertThat(bao.metadata("keybridge/" + path).status()).isEqualTo(200);

        restart();

        assertRevokedAndRemoved(keyId);
        assertThat(bao.metadata("keybridge/" + path).status()).isEqualTo(404);
    }

    @Test
    void aKeyWhoseDataLandedButNotItsMarkIsRemovedAtTheNextStart() {
        String path = unique("unmarked") + "/api-key";
        UUID keyId = interruptedIssuance(path, Reached.DATA_WRITTEN);
        JsonNode metadata = bao.metadata("keybridge/" + path).json().path("data");
        assertThat(metadata.path("current_version").asInt()).isEqualTo(1);
        assertThat(metadata.path("custom_metadata").path("key_id").isMissingNode())
                .isTrue();

        restart();

        assertRevokedAndRemoved(keyId);
        assertThat(bao.metadata("keybridge/" + path).status())
                .as("version 1, created after the key's version, is this write's: the secret is removed whole")
                .isEqualTo(404);
    }

    @Test
    void aStrangersSecretAtThePathOfAnInterruptedFirstDeliveryIsLeftAsItWas() {
        String path = unique("stranger") + "/api-key";
        assertThat(bao.root("POST", "secret/data/keybridge/" + path, "{\"data\":{\"api_key\":\"theirs\"}}")
                        .status())
                .isEqualTo(200);
        // the issuance comes a while after the stranger's secret was written, and stops between recording its plan
        // (version 1, cas=0, "creates the secret") and the write, which Vault would have refused
        clock.advance(Duration.ofMinutes(5));
        UUID keyId = interruptedIssuance(path, Reached.PLANNED);

        restart();

        assertRevokedAndRemoved(keyId);
        JsonNode metadata = bao.metadata("keybridge/" + path).json().path("data");
        assertThat(metadata.path("current_version").asInt())
                .as("the stranger's secret is still there")
                .isEqualTo(1);
        assertThat(metadata.path("versions").path("1").path("destroyed").asBoolean())
                .isFalse();
        assertThat(metadata.path("versions").path("1").path("deletion_time").asString())
                .isEmpty();
    }

    private void restart() {
        recovery.afterSingletonsInstantiated();
        recovery.run(null);
    }

    private void assertRevokedAndRemoved(UUID keyId) {
        JsonNode recovered = api.get("/api/v1/keys/" + keyId, ADMIN).json();
        assertThat(recovered.path("status").asString()).isEqualTo("REVOKED");
        assertThat(recovered.path("revokeReason").asString()).contains("interrupted");
        assertThat(recovered.path("destinations").get(0).path("state").asString())
                .isEqualTo("REMOVED");
        assertThat(index.accepts(keyId)).isFalse();
    }

    /** Runs a first delivery's steps by hand, as {@code KeyIssuer} does, and stops after {@code reached}. */
    private UUID interruptedIssuance(String path, Reached reached) {
        UUID keyId = UUID.randomUUID();
        SecretDestination vault = destinations.of("vault");
        KeyDestination target = new KeyDestination(UUID.randomUUID(), keyId, 0, "vault", path, vault.refFor(path));
        try (KeyMaterial material = format.generate(Environment.LIVE, new SecureRandom())) {
            ApiKey key = ApiKey.pending(
                    keyId,
                    unique("crashed"),
                    "ops",
                    Environment.LIVE,
                    new TreeSet<>(List.of("lists:read")),
                    null,
                    clock.instant(),
                    null,
                    "default",
                    io.keybridge.keys.AllowedSources.ANYWHERE);
            KeyVersion version = new KeyVersion(
                    UUID.randomUUID(),
                    keyId,
                    1,
                    material.hash(),
                    material.displayPrefix(),
                    VersionState.PENDING,
                    clock.instant(),
                    null,
                    null);
            keys.add(key, List.of(target));
            versions.add(version, List.of(target), clock.instant());
            SecretPayload payload = new SecretPayload(
                    keyId,
                    version.id(),
                    "ops",
                    material.displayPrefix(),
                    Environment.LIVE,
                    key.scopes(),
                    clock.instant(),
                    null);
            Intent intent = vault.planFromRecord(path, payload, List.of());
            assertThat(intent).isEqualTo(new Intent("1", true, false));
            versions.updateDelivery(
                    version.id(),
                    target.id(),
                    DeliveryState.PENDING,
                    intent.remoteVersion(),
                    intent.createsPath(),
                    null,
                    clock.instant());
            switch (reached) {
                case PLANNED -> {}
                // an intent that says the metadata are current makes the write skip them: the data alone land
                case DATA_WRITTEN -> vault.write(path, new Intent("1", true, true), payload, material);
                case WRITTEN -> vault.write(path, intent, payload, material);
            }
            // "kill -9" here: nothing more recorded, the material gone with the process
        }
        return keyId;
    }
}
