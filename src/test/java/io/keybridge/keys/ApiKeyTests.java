package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The rules issuance and rotation share about a new version: when it expires, and what it keeps of the material. */
class ApiKeyTests {

    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    @Test
    void aVersionLivesForThePolicysLifetimeButNeverPastTheKeysOwnExpiry() {
        Duration lifetime = Duration.ofDays(30);

        assertThat(key(null).versionExpiry(null, NOW)).isNull();
        assertThat(key(null).versionExpiry(lifetime, NOW)).isEqualTo(NOW.plus(lifetime));
        assertThat(key(NOW.plus(Duration.ofDays(90))).versionExpiry(lifetime, NOW))
                .isEqualTo(NOW.plus(lifetime));
        assertThat(key(NOW.plus(Duration.ofDays(10))).versionExpiry(lifetime, NOW))
                .as("capped by the key's expiresAt")
                .isEqualTo(NOW.plus(Duration.ofDays(10)));
        assertThat(key(NOW.plus(Duration.ofDays(10))).versionExpiry(null, NOW))
                .isEqualTo(NOW.plus(Duration.ofDays(10)));
    }

    @Test
    void onlyAVersionThatExpiresByItsLifetimeIsReplacedForExpiring() {
        Instant keyExpiry = NOW.plus(Duration.ofDays(10));
        ApiKey key = key(keyExpiry);

        assertThat(key.expiresByLifetime(NOW.plus(Duration.ofDays(5)))).isTrue();
        assertThat(key.expiresByLifetime(keyExpiry))
                .as("its successor would expire then too")
                .isFalse();
        assertThat(key.expiresByLifetime(null)).isFalse();
    }

    @Test
    void aPendingVersionKeepsTheHashAndPrefixOfItsMaterialOnly() {
        UUID keyId = UUID.randomUUID();
        try (KeyMaterial material = new KeyFormat("ee").generate(Environment.LIVE, new SecureRandom())) {
            KeyVersion version = KeyVersion.pending(keyId, 3, material, NOW, null);

            assertThat(version.keyId()).isEqualTo(keyId);
            assertThat(version.version()).isEqualTo(3);
            assertThat(version.state()).isEqualTo(VersionState.PENDING);
            assertThat(version.hash()).isEqualTo(material.hash());
            assertThat(version.displayPrefix()).isEqualTo(material.displayPrefix());
            assertThat(version.createdAt()).isEqualTo(NOW);
            assertThat(version.revokedAt()).isNull();
        }
    }

    private static ApiKey key(@Nullable Instant expiresAt) {
        return ApiKey.pending(
                UUID.randomUUID(),
                "crm-sync",
                "revops",
                Environment.LIVE,
                new TreeSet<>(List.of("lists:read")),
                null,
                NOW,
                expiresAt,
                "default",
                AllowedSources.ANYWHERE);
    }
}
