package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
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
    private final RotationWave wave = mock(RotationWave.class);
    private final RotationCoordinator coordinator = new RotationCoordinator(
            keys,
            versions,
            mock(Rotations.class),
            policies,
            RotationTestData.defaultProperties(),
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
    }

    /**
     * The look-up hands the keys due to the wave (reading past those handed over and not yet recorded, and no more
     * than the wave has room for), each as a rotation of the version it found current, an expiring one for expiry;
     * it stops when fewer are due than there was room for.
     */
    @Test
    void theLookUpHandsTheKeysDueToTheWaveAsMuchAsItHasRoomFor() throws Exception {
        UUID onSchedule = UUID.randomUUID();
        UUID expiring = UUID.randomUUID();
        when(policies.get("weekly")).thenReturn(weekly);
        when(wave.awaitRoom(any())).thenReturn(500);
        when(wave.waiting()).thenReturn(7);
        when(keys.dueForRotation(NOW, 507))
                .thenReturn(List.of(
                        new DueKey(onSchedule, "weekly", 7, null),
                        new DueKey(expiring, "weekly", 2, NOW.plus(Duration.ofHours(1)))));
        List<RotationRequest> expected = List.of(
                new RotationRequest(onSchedule, Trigger.SCHEDULED, "scheduler", null, null, null, 7),
                new RotationRequest(expiring, Trigger.EXPIRY, "scheduler", null, null, null, 2));
        when(wave.takeAlong(expected))
                .thenReturn(expected.stream().map(WaveItem::of).toList());

        int handed = coordinator.rotateDue(Duration.ofSeconds(2), Duration.ofMinutes(1), DueRotations.Share.ALL);

        assertThat(handed).isEqualTo(2);
        verify(wave).takeAlong(expected);
        verify(wave).lookedUp();
    }

    /** In a cluster of three, this node reads three times as far and takes only the keys of its share. */
    @Test
    void inAClusterTheLookUpTakesOnlyThisNodesShare() throws Exception {
        DueRotations.Share share = new DueRotations.Share(3, 1);
        List<UUID> ids =
                java.util.stream.Stream.generate(UUID::randomUUID).limit(30).toList();
        when(policies.get("weekly")).thenReturn(weekly);
        when(wave.awaitRoom(any())).thenReturn(500);
        when(keys.dueForRotation(NOW, 1500))
                .thenReturn(ids.stream()
                        .map(id -> new DueKey(id, "weekly", 1, null))
                        .toList());
        List<RotationRequest> mine = ids.stream()
                .filter(share::owns)
                .map(id -> new RotationRequest(id, Trigger.SCHEDULED, "scheduler", null, null, null, 1))
                .toList();
        when(wave.takeAlong(mine)).thenReturn(mine.stream().map(WaveItem::of).toList());

        assertThat(coordinator.rotateDue(Duration.ofSeconds(2), Duration.ofMinutes(1), share))
                .isEqualTo(mine.size())
                .isLessThan(ids.size());
        verify(wave).takeAlong(mine);
    }

    @Test
    void theLookUpStopsWhenTheWaveHasNoRoomAndLetsGoOfItsTurnWhenTheDatabaseFails() throws Exception {
        when(wave.awaitRoom(any())).thenReturn(0).thenReturn(500);

        assertThat(coordinator.rotateDue(Duration.ofSeconds(2), Duration.ofMinutes(1), DueRotations.Share.ALL))
                .isZero();
        verifyNoInteractions(keys);

        when(keys.dueForRotation(any(), anyInt())).thenThrow(new IllegalStateException("database busy"));
        assertThatThrownBy(() ->
                        coordinator.rotateDue(Duration.ofSeconds(2), Duration.ofMinutes(1), DueRotations.Share.ALL))
                .hasMessage("database busy");
        verify(wave).lookedUp();
        verify(wave, never()).takeAlong(any());
    }

    /**
     * A key whose rotation is refused for what its own state explains (replaced meanwhile, already rotating, no longer
     * active) is left to that state; one refused for anything else (a bad row) is put off with the reason recorded, so
     * that it is not handed over again at every look-up.
     */
    @Test
    void aDueKeyRefusedForAnUnexpectedReasonIsPutOffWithTheReasonRecorded() throws Exception {
        UUID bad = UUID.randomUUID();
        UUID replaced = UUID.randomUUID();
        when(policies.get("weekly")).thenReturn(weekly);
        when(wave.awaitRoom(any())).thenReturn(500);
        when(keys.dueForRotation(NOW, 500))
                .thenReturn(List.of(new DueKey(bad, "weekly", 1, null), new DueKey(replaced, "weekly", 4, null)));
        WaveItem badItem = WaveItem.of(new RotationRequest(bad, Trigger.SCHEDULED, "scheduler", null, null, null, 1));
        WaveItem replacedItem =
                WaveItem.of(new RotationRequest(replaced, Trigger.SCHEDULED, "scheduler", null, null, null, 4));
        when(wave.takeAlong(any())).thenReturn(List.of(badItem, replacedItem));

        coordinator.rotateDue(Duration.ofSeconds(2), Duration.ofMinutes(1), DueRotations.Share.ALL);
        badItem.refused(new IllegalStateException("no rotation policy 'gone'"));
        replacedItem.refused(new RotationRunner.Superseded());

        verify(keys)
                .rotationPlanned(
                        bad, NOW.plus(Duration.ofMinutes(1)), "rotation could not start: no rotation policy 'gone'");
        verify(keys, never()).rotationPlanned(eq(replaced), any(), any());
    }

    @Test
    void anEarlyFiringOfAnOldTriggerRotatesNothing() {
        Instant planned = NOW.plus(Duration.ofHours(5));
        ApiKey key = key(KeyStatus.ACTIVE, planned);

        coordinator.rotateWhenDue(key.id());

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

        verifyNoInteractions(wave);
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
