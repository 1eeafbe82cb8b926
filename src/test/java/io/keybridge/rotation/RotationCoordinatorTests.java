package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.ConsumerProfile;
import io.keybridge.keys.DueKey;
import io.keybridge.keys.KeyDestination;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What a scheduled firing and an operator's request decide before a rotation runs: which firings rotate (and with
 * which trigger), which are stale, and which overlaps are refused before anything is recorded.
 */
class RotationCoordinatorTests {

    private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

    private final ApiKeys keys = mock(ApiKeys.class);
    private final KeyVersions versions = mock(KeyVersions.class);
    private final RotationPolicies policies = mock(RotationPolicies.class);
    private final RotationScheduler scheduler = mock(RotationScheduler.class);
    private final RotationWave wave = mock(RotationWave.class);
    private final RotationCoordinator coordinator = new RotationCoordinator(
            keys,
            versions,
            mock(Rotations.class),
            policies,
            RotationTestData.defaultProperties(),
            scheduler,
            wave,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final RotationPolicy weekly = RotationTestData.weekly(RotationPolicy.RevokeAtDestination.KEEP);

    @Test
    void aDueFiringRotatesOnSchedule() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, NOW.plus(Duration.ofDays(30)));

        coordinator.rotateWhenDue(key.id());

        verify(wave).startRotation(new RotationRequest(key.id(), Trigger.SCHEDULED, "scheduler", null, null, null, 3));
    }

    @Test
    void aFiringWithinRotateBeforeExpiryOfTheCurrentVersionIsAnExpiryRotation() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, NOW.plus(Duration.ofHours(23))); // rotateBeforeExpiry is a day

        coordinator.rotateWhenDue(key.id());

        verify(wave).startRotation(new RotationRequest(key.id(), Trigger.EXPIRY, "scheduler", null, null, null, 3));
    }

    /**
     * A firing reads the key without its lock. Quartz re-fires a stopped node's job on another node while that node
     * settles the rotation the stopped one left: confirmed between the firing's look and its start, that rotation has
     * replaced version 3 already. The start, told which version the firing replaces, refuses under the key's lock, and
     * the firing ends quietly. Found by the cluster test ("keys rotated twice").
     */
    @Test
    void aFiringWhoseVersionWasReplacedSinceItLookedRotatesNothing() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, null);
        doThrow(new RotationRunner.Superseded()).when(wave).startRotation(any());

        coordinator.rotateWhenDue(key.id());

        verify(wave).startRotation(new RotationRequest(key.id(), Trigger.SCHEDULED, "scheduler", null, null, null, 3));
        verifyNoInteractions(scheduler);
    }

    /**
     * A wave: the first firing takes the other keys due into the wave's next batch (not itself, and no more than the
     * wave has room for), each as a rotation of the version it found current, an expiring one for expiry.
     */
    @Test
    void aDueFiringTakesAlongTheOtherKeysDueAsMuchAsTheWaveHasRoomFor() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, null);
        UUID other = UUID.randomUUID();
        UUID expiring = UUID.randomUUID();
        when(wave.room()).thenReturn(500);
        when(keys.dueForRotation(NOW, 500))
                .thenReturn(List.of(
                        new DueKey(key.id(), "weekly", 3, null),
                        new DueKey(other, "weekly", 7, null),
                        new DueKey(expiring, "weekly", 2, NOW.plus(Duration.ofHours(1)))));

        coordinator.rotateWhenDue(key.id());

        verify(wave)
                .takeAlong(List.of(
                        new RotationRequest(other, Trigger.SCHEDULED, "scheduler", null, null, null, 7),
                        new RotationRequest(expiring, Trigger.EXPIRY, "scheduler", null, null, null, 2)));
        verify(wave).startRotation(new RotationRequest(key.id(), Trigger.SCHEDULED, "scheduler", null, null, null, 3));
    }

    @Test
    void aFiringTakesNothingAlongWhenTheWaveIsFullAndRotatesItsKeyWhenTheLookUpFails() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, null);
        when(wave.room()).thenReturn(0).thenReturn(500);
        when(keys.dueForRotation(any(), anyInt())).thenThrow(new IllegalStateException("database busy"));

        coordinator.rotateWhenDue(key.id());
        coordinator.rotateWhenDue(key.id());

        verify(keys, times(1)).dueForRotation(any(), anyInt());
        verify(wave, never()).takeAlong(any());
        verify(wave, times(2))
                .startRotation(new RotationRequest(key.id(), Trigger.SCHEDULED, "scheduler", null, null, null, 3));
    }

    @Test
    void anEarlyFiringIsRescheduledToTheKeysOwnPlanAndRotatesNothing() {
        Instant planned = NOW.plus(Duration.ofHours(5));
        ApiKey key = key(KeyStatus.ACTIVE, planned);

        coordinator.rotateWhenDue(key.id());

        verify(scheduler).scheduleRotation(key.id(), planned);
        verifyNoInteractions(wave);
    }

    @Test
    void aFiringWithNothingPlannedOrForAKeyNotActiveDoesNothing() {
        ApiKey finished = key(KeyStatus.ACTIVE, null);
        ApiKey suspended = key(KeyStatus.SUSPENDED, NOW);
        ApiKey revoked = key(KeyStatus.REVOKED, NOW);

        coordinator.rotateWhenDue(finished.id());
        coordinator.rotateWhenDue(suspended.id());
        coordinator.rotateWhenDue(revoked.id());
        coordinator.rotateWhenDue(UUID.randomUUID()); // deleted meanwhile

        verifyNoInteractions(wave, scheduler);
    }

    @Test
    void aRefusedScheduledRotationIsNotThrownAtQuartz() {
        ApiKey key = key(KeyStatus.ACTIVE, NOW);
        current(key, null);
        doThrow(new RotationRunner.Superseded())
                .doThrow(new RotationInProgressException(key.id()))
                .doThrow(new KeyNotRotatableException(key.id(), "REVOKED"))
                .when(wave)
                .startRotation(any());

        coordinator.rotateWhenDue(key.id()); // each would fail the job, and Quartz would fire it again at once
        coordinator.rotateWhenDue(key.id());
        coordinator.rotateWhenDue(key.id());

        verify(wave, times(3))
                .startRotation(new RotationRequest(key.id(), Trigger.SCHEDULED, "scheduler", null, null, null, 3));
    }

    @Test
    void aManualOverlapOutsideTheBoundsIsRefusedBeforeAnythingIsRecorded() {
        UUID keyId = UUID.randomUUID();
        when(keys.find(keyId))
                .thenReturn(Optional.of(
                        RotationTestData.key(keyId, KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(1)), null)));

        assertThatThrownBy(() -> coordinator.rotate(keyId, "alice", Duration.ofMinutes(59)))
                .isInstanceOf(InvalidKeyRequestException.class)
                .hasMessageContaining("at least PT1H");
        assertThatThrownBy(() -> coordinator.rotate(keyId, "alice", Duration.ofDays(31)))
                .isInstanceOf(InvalidKeyRequestException.class)
                .hasMessageContaining("at most");
        verifyNoInteractions(wave, versions);
        verify(keys, never()).find(keyId);

        coordinator.rotate(keyId, "alice", Duration.ofHours(1));
        coordinator.rotate(keyId, "alice", null);
        verify(wave).rotate(new RotationRequest(keyId, Trigger.MANUAL, "alice", null, Duration.ofHours(1), null, null));
        verify(wave).rotate(new RotationRequest(keyId, Trigger.MANUAL, "alice", null, null, null, null));
    }

    @Test
    void aManualOverlapShorterThanAConsumerNeedsIsRefusedNamingTheDestinationAndTheOverlapThatWorks() {
        ApiKey key = key(KeyStatus.ACTIVE, null);
        ConsumerProfile hourly =
                ConsumerProfile.of(ConsumerProfile.Kind.EXTERNAL_SECRETS, null, Duration.ofMinutes(10));
        when(keys.destinationsOf(key.id()))
                .thenReturn(List.of(
                        new KeyDestination(UUID.randomUUID(), key.id(), 0, "vault", "a", "secret/keybridge/a"),
                        new KeyDestination(
                                UUID.randomUUID(), key.id(), 1, "vault", "b", "secret/keybridge/b", hourly)));

        assertThatThrownBy(() -> coordinator.rotate(key.id(), "alice", Duration.ofHours(2)))
                .isInstanceOf(InvalidKeyRequestException.class)
                .hasMessageContaining("destination secret/keybridge/b")
                .hasMessageContaining("an external-secrets consumer that refreshes every PT1H (restart grace PT10M)")
                .hasMessageContaining("the requested overlap gives PT2H")
                .hasMessageContaining("the shortest overlap that works is PT2H10M");
        verifyNoInteractions(wave);

        coordinator.rotate(key.id(), "alice", Duration.ofMinutes(130));
        verify(wave)
                .rotate(new RotationRequest(
                        key.id(), Trigger.MANUAL, "alice", null, Duration.ofMinutes(130), null, null));
    }

    @Test
    void theHistoryOfAnUnknownKeyIsNotFound() {
        assertThatThrownBy(() -> coordinator.history(UUID.randomUUID()))
                .isInstanceOf(io.keybridge.keys.KeyNotFoundException.class);
    }

    private ApiKey key(KeyStatus status, @Nullable Instant nextRotationAt) {
        ApiKey key = RotationTestData.key(UUID.randomUUID(), status, NOW.minus(Duration.ofDays(10)), nextRotationAt);
        when(keys.find(key.id())).thenReturn(Optional.of(key));
        when(policies.get("weekly")).thenReturn(weekly);
        return key;
    }

    private void current(ApiKey key, @Nullable Instant expiresAt) {
        when(versions.currentOf(key.id()))
                .thenReturn(RotationTestData.version(
                        key.id(), 3, VersionState.ACTIVE, NOW.minus(Duration.ofDays(7)), expiresAt));
    }
}
