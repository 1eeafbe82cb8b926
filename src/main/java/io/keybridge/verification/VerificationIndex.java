package io.keybridge.verification;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every key version keybridge knows, by hash, in memory. Loaded from the database at start; kept current by the
 * lifecycle, which calls it right after each change is committed, so a revocation applies to the very next request.
 * Revoked versions are kept too, so that refusals can say why. Thread-safe.
 */
@Component
public class VerificationIndex {

    private static final Logger log = LoggerFactory.getLogger(VerificationIndex.class);

    private final Map<KeyHash, VerifiableVersion> byHash = new ConcurrentHashMap<>();
    private final ApiKeys keys;
    private final KeyVersions versions;

    public VerificationIndex(ApiKeys keys, KeyVersions versions) {
        this.keys = keys;
        this.versions = versions;
    }

    /** Reloads every version from the database. */
    public void load() {
        Map<UUID, ApiKey> keysById = keys.all().stream().collect(Collectors.toMap(ApiKey::id, Function.identity()));
        int accepted = 0;
        for (KeyVersion version : versions.all()) {
            ApiKey key = keysById.get(version.keyId());
            boolean revoked =
                    key.status() == KeyStatus.REVOKED || !version.state().verifies();
            byHash.put(version.hash(), entry(key, version, revoked));
            accepted += revoked ? 0 : 1;
        }
        log.info("verification index loaded: {} versions, {} accepted", byHash.size(), accepted);
    }

    /** From now on the version verifies (also while its key is still being delivered). */
    public void accept(ApiKey key, KeyVersion version) {
        byHash.put(version.hash(), entry(key, version, false));
    }

    /** From now on the version is refused as revoked. */
    public void revoke(KeyHash hash) {
        byHash.computeIfPresent(hash, (h, entry) -> entry.asRevoked());
    }

    /** Shows the key's new name in later verifications. */
    public void rename(UUID keyId, String name) {
        byHash.replaceAll((hash, entry) -> entry.keyId().equals(keyId) ? entry.renamed(name) : entry);
    }

    /** Whether any version of the key verifies now (ignoring expiry). */
    public boolean accepts(UUID keyId) {
        return byHash.values().stream().anyMatch(entry -> entry.keyId().equals(keyId) && !entry.revoked());
    }

    @Nullable
    VerifiableVersion find(KeyHash hash) {
        return byHash.get(hash);
    }

    private static VerifiableVersion entry(ApiKey key, KeyVersion version, boolean revoked) {
        return new VerifiableVersion(
                key.id(),
                version.id(),
                key.name(),
                key.owner(),
                key.environment(),
                key.scopes(),
                version.expiresAt() != null ? version.expiresAt() : key.expiresAt(),
                revoked);
    }
}
