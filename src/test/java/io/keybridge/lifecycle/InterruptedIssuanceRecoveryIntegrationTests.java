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

    @Test
    void aKeyWrittenToVaultButNeverConfirmedIsRevokedAndRemovedAtTheNextStart() {
        String path = unique("crashed") + "/api-key";
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
            Intent intent = vault.prepare(path, payload);
            versions.updateDelivery(
                    version.id(),
                    target.id(),
                    DeliveryState.PENDING,
                    intent.remoteVersion(),
                    intent.createsPath(),
                    null,
                    clock.instant());
            vault.write(path, intent, payload, material);
            // "kill -9" here: written to Vault, never recorded as WRITTEN, never confirmed
        }
        assertThat(bao.metadata("keybridge/" + path).status()).isEqualTo(200);

        recovery.afterSingletonsInstantiated();
        recovery.run(null);

        JsonNode recovered = api.get("/api/v1/keys/" + keyId, ADMIN).json();
        assertThat(recovered.path("status").asString()).isEqualTo("REVOKED");
        assertThat(recovered.path("revokeReason").asString()).contains("interrupted");
        assertThat(recovered.path("destinations").get(0).path("state").asString())
                .isEqualTo("REMOVED");
        assertThat(index.accepts(keyId)).isFalse();
        assertThat(bao.metadata("keybridge/" + path).status()).isEqualTo(404);
    }
}
