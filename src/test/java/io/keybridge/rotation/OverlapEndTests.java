package io.keybridge.rotation;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.keybridge.audit.AuditLog;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyStatus;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.verification.LastUseRecorder;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The end of an overlap, step by step: the replaced versions are refused before they are removed from the stores, a
 * removal that fails keeps the rotation {@code REVOKING} and tries again, and a rotation in any other state is left
 * alone.
 */
class OverlapEndTests {

    private static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");

    private final ApiKeys keys = mock(ApiKeys.class);
    private final KeyVersions versions = mock(KeyVersions.class);
    private final Rotations rotations = mock(Rotations.class);
    private final RotationPolicies policies = mock(RotationPolicies.class);
    private final RotationScheduler scheduler = mock(RotationScheduler.class);
    private final DeliveredVersions delivered = mock(DeliveredVersions.class);
    private final VerificationIndex index = mock(VerificationIndex.class);
    private final OverlapEnd overlapEnd = new OverlapEnd(
            keys,
            versions,
            rotations,
            policies,
            RotationTestData.defaultProperties(),
            scheduler,
            delivered,
            index,
            mock(LastUseRecorder.class),
            mock(AuditLog.class),
            new TransactionTemplate(mock(PlatformTransactionManager.class)),
            mock(ApplicationEventPublisher.class),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final UUID keyId = UUID.randomUUID();
    private final KeyVersion old = version(1, VersionState.RETIRING);

    @Test
    void theReplacedVersionIsRefusedAndRevokedBeforeItIsRemovedFromTheStores() {
        Rotation rotation = rotation(RotationState.OVERLAP);
        given(rotation, RotationPolicy.RevokeAtDestination.DESTROY);
        when(rotations.revoking(rotation.id(), NOW)).thenReturn(true);
        when(versions.liveOlderThan(keyId, 2)).thenReturn(List.of(old));
        when(versions.ofKey(keyId))
                .thenReturn(List.of(version(1, VersionState.REVOKED), version(2, VersionState.ACTIVE)));
        when(delivered.remove(eq(keyId), anyList(), any())).thenReturn(Map.of());
        when(rotations.completed(rotation.id(), NOW)).thenReturn(true);

        overlapEnd.endOverlap(rotation.id());

        InOrder order = inOrder(versions, index, delivered, rotations);
        order.verify(versions).changeState(old.id(), VersionState.REVOKED, NOW);
        order.verify(index).revoke(old.hash());
        order.verify(delivered).remove(eq(keyId), anyList(), eq(SecretDestination.Removal.DESTROY_VERSION));
        order.verify(rotations).completed(rotation.id(), NOW);
    }

    @Test
    void aRemovalThatFailsKeepsTheRotationRevokingAndTriesAgain() {
        Rotation rotation = rotation(RotationState.REVOKING);
        given(rotation, RotationPolicy.RevokeAtDestination.SOFT_DELETE);
        when(versions.ofKey(keyId)).thenReturn(List.of(version(1, VersionState.REVOKED)));
        when(delivered.remove(eq(keyId), anyList(), any())).thenReturn(Map.of("secret/keybridge/x", "503"));

        overlapEnd.endOverlap(rotation.id());

        verify(rotations, never()).revoking(any(), any()); // revoked already: only the removal is outstanding
        verify(delivered).remove(eq(keyId), anyList(), eq(SecretDestination.Removal.SOFT_DELETE_VERSION));
        verify(scheduler).scheduleOverlapEnd(rotation.id(), NOW.plus(Duration.ofMinutes(1)));
        verify(rotations, never()).completed(any(), any());
    }

    @Test
    void aPolicyThatKeepsOldVersionsRemovesNothingAndCompletes() {
        Rotation rotation = rotation(RotationState.REVOKING);
        given(rotation, RotationPolicy.RevokeAtDestination.KEEP);
        when(versions.ofKey(keyId)).thenReturn(List.of(version(1, VersionState.REVOKED)));

        overlapEnd.endOverlap(rotation.id());

        verify(delivered, never()).remove(any(), anyList(), any());
        verify(rotations).completed(rotation.id(), NOW);
    }

    @Test
    void aRotationNotInItsOverlapIsLeftAlone() {
        for (RotationState state : List.of(RotationState.DELIVERING, RotationState.COMPLETED, RotationState.FAILED)) {
            Rotation rotation = rotation(state);
            when(rotations.find(rotation.id())).thenReturn(Optional.of(rotation));

            overlapEnd.endOverlap(rotation.id());

            verify(rotations, never()).revoking(eq(rotation.id()), any());
            verify(rotations, never()).completed(eq(rotation.id()), any());
        }
        verify(delivered, never()).remove(any(), anyList(), any());
    }

    private void given(Rotation rotation, RotationPolicy.RevokeAtDestination removal) {
        when(rotations.find(rotation.id())).thenReturn(Optional.of(rotation));
        when(keys.find(keyId))
                .thenReturn(Optional.of(RotationTestData.key(
                        keyId, KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(7)))));
        when(policies.get("weekly")).thenReturn(RotationTestData.weekly(removal));
    }

    private Rotation rotation(RotationState state) {
        return new Rotation(
                UUID.randomUUID(),
                keyId,
                Trigger.SCHEDULED,
                "scheduler",
                null,
                1,
                UUID.randomUUID(),
                2,
                state,
                Duration.ofHours(2),
                NOW.minus(Duration.ofHours(2)),
                null,
                NOW.minus(Duration.ofHours(2)),
                NOW,
                null,
                null);
    }

    private KeyVersion version(int number, VersionState state) {
        return RotationTestData.version(keyId, number, state, NOW.minus(Duration.ofDays(number)), null);
    }
}
