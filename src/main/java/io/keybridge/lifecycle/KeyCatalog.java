package io.keybridge.lifecycle;

import io.keybridge.delivery.Intent;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Delivery;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.keybridge.verification.LastUseRecorder;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads keys with their current version and destinations, in a few queries per page. */
@Service
public class KeyCatalog {

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final LastUseRecorder lastUse;

    public KeyCatalog(ApiKeys keys, KeyVersions versions, LastUseRecorder lastUse) {
        this.keys = keys;
        this.versions = versions;
        this.lastUse = lastUse;
    }

    /** @throws KeyNotFoundException if there is no such key */
    @Transactional(readOnly = true)
    public KeyDetails find(UUID id) {
        ApiKey key = keys.find(id).orElseThrow(() -> new KeyNotFoundException(id));
        return details(List.of(key)).getFirst();
    }

    /** Where one version of a key was delivered, destination by destination. */
    @Transactional(readOnly = true)
    public List<DestinationStatus> deliveriesOf(UUID keyId, UUID versionId) {
        Map<UUID, Delivery> deliveries = versions.deliveriesOf(List.of(versionId)).stream()
                .collect(Collectors.toMap(Delivery::destinationId, Function.identity()));
        return keys.destinationsOf(List.of(keyId)).stream()
                .filter(destination -> deliveries.containsKey(destination.id()))
                .sorted(Comparator.comparingInt(KeyDestination::position))
                .map(destination -> status(destination, deliveries.get(destination.id())))
                .toList();
    }

    @Transactional(readOnly = true)
    public Page<KeyDetails> search(KeyQuery query, PageRequest pageRequest) {
        Page<ApiKey> page = keys.search(query, pageRequest);
        return new Page<>(details(page.items()), page.page(), page.size(), page.totalItems());
    }

    private List<KeyDetails> details(List<ApiKey> page) {
        List<UUID> ids = page.stream().map(ApiKey::id).toList();
        Map<UUID, List<KeyVersion>> byKey =
                versions.ofKeys(ids).stream().collect(Collectors.groupingBy(KeyVersion::keyId));
        Map<UUID, KeyVersion> current = new java.util.HashMap<>();
        byKey.forEach((keyId, all) -> current.put(
                keyId,
                all.stream()
                        .max(Comparator.comparing((KeyVersion v) -> v.state() == VersionState.ACTIVE)
                                .thenComparingInt(KeyVersion::version))
                        .orElseThrow()));
        Map<UUID, List<KeyDestination>> destinations =
                keys.destinationsOf(ids).stream().collect(Collectors.groupingBy(KeyDestination::keyId));
        Map<UUID, Delivery> deliveries =
                versions
                        .deliveriesOf(
                                current.values().stream().map(KeyVersion::id).toList())
                        .stream()
                        .collect(Collectors.toMap(Delivery::destinationId, Function.identity()));
        return page.stream()
                .map(key -> new KeyDetails(
                        withUnflushedLastUse(key),
                        current.get(key.id()),
                        destinations.getOrDefault(key.id(), List.of()).stream()
                                .sorted(Comparator.comparingInt(KeyDestination::position))
                                .map(destination -> status(destination, deliveries.get(destination.id())))
                                .toList(),
                        rotation(key, byKey.getOrDefault(key.id(), List.of()))))
                .toList();
    }

    private ApiKey withUnflushedLastUse(ApiKey key) {
        Instant unflushed = lastUse.unflushed(key.id());
        if (unflushed == null || (key.lastUsedAt() != null && !unflushed.isAfter(key.lastUsedAt()))) {
            return key;
        }
        return key.withLastUsedAt(unflushed);
    }

    private static KeyDetails.RotationStatus rotation(ApiKey key, List<KeyVersion> all) {
        if (key.status() != KeyStatus.ACTIVE) {
            return KeyDetails.RotationStatus.OK;
        }
        if (all.stream().anyMatch(v -> v.state() == VersionState.PENDING) && key.rotationError() == null) {
            return KeyDetails.RotationStatus.ROTATING;
        }
        return key.rotationError() == null ? KeyDetails.RotationStatus.OK : KeyDetails.RotationStatus.OVERDUE;
    }

    private static DestinationStatus status(KeyDestination destination, Delivery delivery) {
        return new DestinationStatus(
                destination.type(),
                destination.ref(),
                Intent.shown(delivery.remoteVersion()),
                delivery.state(),
                delivery.error(),
                destination.consumer());
    }
}
