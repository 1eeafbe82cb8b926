package io.keybridge.verification;

import io.keybridge.cluster.IndexChanges;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyHash;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
    private final IndexChanges changes;

    public VerificationIndex(ApiKeys keys, KeyVersions versions, IndexChanges changes) {
        this.keys = keys;
        this.versions = versions;
        this.changes = changes;
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
        changes.accepted(key.id(), version.id());
    }

    /** From now on the version is refused as revoked, here at once and on the other nodes of a cluster soon after. */
    public void revoke(KeyHash hash) {
        revokeAll(List.of(hash));
    }

    /** {@link #revoke} for many versions at once. */
    public void revokeAll(Collection<KeyHash> hashes) {
        List<IndexChanges.Revocation> revoked = new ArrayList<>();
        for (KeyHash hash : hashes) {
            VerifiableVersion entry = byHash.computeIfPresent(hash, (h, known) -> known.asRevoked());
            if (entry != null) {
                revoked.add(new IndexChanges.Revocation(entry.keyId(), hash));
            }
        }
        changes.revoked(revoked);
    }

    /** Shows the key's new name in later verifications. */
    public void rename(UUID keyId, String name) {
        byHash.replaceAll((hash, entry) -> entry.keyId().equals(keyId) ? entry.renamed(name) : entry);
        changes.renamed(keyId);
    }

    /** Reloads a key's details (its allow-list, say) after they changed, here and on the other nodes soon after. */
    public void refresh(UUID keyId) {
        reload(keyId);
        changes.renamed(keyId);
    }

    /**
     * Applies a change another node of the cluster made. Revocation is final: a version revoked here stays revoked,
     * whatever order changes arrive in.
     *
     * @return false if the change cannot be applied yet (what it names is not in the database yet)
     */
    public boolean apply(IndexChanges.Change change) {
        if (change.kind() == IndexChanges.Kind.REVOKE && change.hash() != null) {
            if (byHash.computeIfPresent(change.hash(), (h, entry) -> entry.asRevoked()) != null) {
                return true;
            }
        }
        return reload(change.keyId());
    }

    /** Loads a key's versions from the database, keeping what this node already revoked revoked. */
    private boolean reload(UUID keyId) {
        ApiKey key = keys.find(keyId).orElse(null);
        if (key == null) {
            return false;
        }
        for (KeyVersion version : versions.ofKey(keyId)) {
            boolean revoked =
                    key.status() == KeyStatus.REVOKED || !version.state().verifies();
            byHash.merge(
                    version.hash(),
                    entry(key, version, revoked),
                    (known, loaded) -> known.revoked() ? loaded.asRevoked() : loaded);
        }
        return true;
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
                version.version(),
                key.name(),
                key.owner(),
                key.environment(),
                key.scopes(),
                version.expiresAt() != null ? version.expiresAt() : key.expiresAt(),
                key.allowedSources(),
                key.status() == KeyStatus.SUSPENDED,
                revoked);
    }
}
