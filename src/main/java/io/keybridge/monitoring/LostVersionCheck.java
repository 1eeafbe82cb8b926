package io.keybridge.monitoring;

import io.keybridge.delivery.DestinationException;
import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.Intent;
import io.keybridge.delivery.SecretPayload;
import io.keybridge.delivery.VersionNotHeldException;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Delivery;
import io.keybridge.keys.DeliveryState;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.rotation.RotationCoordinator;
import io.keybridge.rotation.RotationState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Checks that every destination still holds the version keybridge confirmed there, as what consumers read (a store
 * restored from an old backup, a dev server restarted, a secret deleted or overwritten by hand): keybridge would
 * otherwise go on believing a key delivered that nobody can read. A version gone is a {@code DESTINATION_LOST} finding
 * (HIGH), and, unless {@code keybridge.monitoring.redeliver-lost} is off, a rotation that delivers a new version there.
 * A destination that cannot be asked is skipped until the next check (its outage shows in the health endpoint).
 */
@Component
class LostVersionCheck {

    private static final Logger log = LoggerFactory.getLogger(LostVersionCheck.class);

    private final ApiKeys keys;
    private final KeyVersions versions;
    private final Destinations destinations;
    private final Findings findings;
    private final RotationCoordinator rotations;
    private final boolean redeliver;

    LostVersionCheck(
            ApiKeys keys,
            KeyVersions versions,
            Destinations destinations,
            Findings findings,
            RotationCoordinator rotations,
            @Value("${keybridge.monitoring.redeliver-lost:true}") boolean redeliver) {
        this.keys = keys;
        this.versions = versions;
        this.destinations = destinations;
        this.findings = findings;
        this.rotations = rotations;
        this.redeliver = redeliver;
    }

    /** One pass over the active keys; each key in its own try. Returns how many keys lost a version. */
    @Scheduled(
            initialDelayString = "${keybridge.monitoring.lost-version-check-delay:PT30S}",
            fixedDelayString = "${keybridge.monitoring.lost-version-check-interval:PT1H}")
    public int check() {
        int lost = 0;
        for (ApiKey key : keys.matching(new KeyQuery(KeyStatus.ACTIVE, null, null, null))) {
            try {
                if (check(key)) {
                    lost++;
                }
            } catch (RuntimeException e) {
                log.warn("checking the destinations of key {} failed; going on with the others", key.id(), e);
            }
        }
        return lost;
    }

    private boolean check(ApiKey key) {
        KeyVersion current = versions.currentOf(key.id());
        if (current == null) {
            return false;
        }
        Map<java.util.UUID, KeyDestination> byId = keys.destinationsOf(key.id()).stream()
                .collect(Collectors.toMap(KeyDestination::id, Function.identity()));
        Map<String, String> gone = new LinkedHashMap<>();
        for (Delivery delivery : versions.deliveriesOf(List.of(current.id()))) {
            KeyDestination destination = byId.get(delivery.destinationId());
            if (delivery.state() != DeliveryState.CONFIRMED
                    || delivery.remoteVersion() == null
                    || destination == null) {
                continue;
            }
            try {
                destinations
                        .of(destination.type())
                        .confirm(
                                destination.path(),
                                new Intent(delivery.remoteVersion(), delivery.createdPath()),
                                SecretPayload.of(key, current));
            } catch (VersionNotHeldException e) {
                gone.put(destination.ref(), e.getMessage());
            } catch (DestinationException e) {
                log.debug("could not check {} for key {}: {}", destination.ref(), key.id(), e.getMessage());
            }
        }
        if (gone.isEmpty() || replacedMeanwhile(key, current)) {
            return false;
        }
        boolean raised = findings.raise(new NewFinding(
                        key.id(),
                        FindingKind.DESTINATION_LOST,
                        Severity.HIGH,
                        "'" + key.name() + "' version " + current.version() + " is no longer what consumers"
                                + " read at " + String.join(", ", gone.keySet())
                                + (redeliver ? "; a new version is being delivered" : ""),
                        Map.of("version", String.valueOf(current.version()), "destinations", gone.toString()),
                        current.id() + ":" + String.join(",", gone.keySet())))
                .isPresent();
        if (raised && redeliver) {
            try {
                rotations.replaceLost(key.id(), "keybridge", current.version());
            } catch (RuntimeException e) {
                log.warn("re-delivering key {} after its version was lost failed: {}", key.id(), e.getMessage());
            }
        }
        return true;
    }

    /**
     * Whether a rotation explains what the store holds: one is delivering (its new version is at the store before
     * keybridge confirms it), or one confirmed a newer version since this check read the current one. Without this, a
     * check that ran during a rotation raised a false finding and started a second rotation (the cluster test's
     * rolling restart: "keys rotated twice").
     */
    private boolean replacedMeanwhile(ApiKey key, KeyVersion checked) {
        boolean delivering =
                rotations.history(key.id()).stream().anyMatch(rotation -> rotation.state() == RotationState.DELIVERING);
        KeyVersion now = versions.currentOf(key.id());
        return delivering || now == null || now.version() != checked.version();
    }
}
