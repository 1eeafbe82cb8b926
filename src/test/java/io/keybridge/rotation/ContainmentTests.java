package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.keybridge.audit.AuditLog;
import io.keybridge.delivery.DeliveredVersions;
import io.keybridge.delivery.SecretDestination;
import io.keybridge.keys.KeyVersion;
import io.keybridge.keys.KeyVersions;
import io.keybridge.keys.VersionState;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.verification.VerificationIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The order an emergency keeps: with no grace, refused first and delivered after; with a grace, delivered first. */
class ContainmentTests {

    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");

    private final KeyVersions versions = mock(KeyVersions.class);
    private final Rotations rotations = mock(Rotations.class);
    private final RotationWave wave = mock(RotationWave.class);
    private final DeliveredVersions delivered = mock(DeliveredVersions.class);
    private final VerificationIndex index = mock(VerificationIndex.class);
    private final PlatformTransactionManager transactionManager = mock(PlatformTransactionManager.class);
    private final Containment containment = new Containment(
            versions,
            rotations,
            RotationTestData.defaultProperties(),
            wave,
            delivered,
            index,
            mock(AuditLog.class),
            new TransactionTemplate(transactionManager),
            mock(ApplicationEventPublisher.class),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private final UUID keyId = UUID.randomUUID();
    private final KeyVersion leaked = RotationTestData.version(keyId, 4, VersionState.ACTIVE, NOW, null);

    @Test
    void withoutGraceTheLeakedVersionIsRefusedAndRevokedBeforeItsSuccessorIsDelivered() {
        when(versions.ofKeys(List.of(keyId))).thenReturn(List.of(leaked));
        when(versions.revokeAllOf(List.of(keyId), NOW)).thenReturn(List.of(leaked));
        when(wave.rotateAll(any())).thenReturn(List.of(CompletableFuture.completedFuture(rotation())));

        containment.emergencyRotate(keyId, "oncall", "token in a public gist", Duration.ZERO);

        InOrder order = inOrder(index, versions, transactionManager, delivered, wave);
        order.verify(index).revokeAll(List.of(leaked.hash()));
        order.verify(versions).revokeAllOf(List.of(keyId), NOW);
        order.verify(transactionManager).commit(any());
        order.verify(delivered).remove(keyId, List.of(leaked.id()), SecretDestination.Removal.DESTROY_VERSION);
        order.verify(wave)
                .rotateAll(List.of(new RotationRequest(
                        keyId, Trigger.EMERGENCY, "oncall", "token in a public gist", Duration.ZERO, NOW, null)));
    }

    @Test
    void withAGraceTheSuccessorIsDeliveredFirstAndNothingIsRevokedNow() {
        when(wave.rotate(any())).thenReturn(rotation());

        containment.emergencyRotate(keyId, "oncall", "suspected", Duration.ofMinutes(10));

        verify(wave)
                .rotate(new RotationRequest(
                        keyId, Trigger.EMERGENCY, "oncall", "suspected", Duration.ofMinutes(10), null, null));
        verify(versions, never()).revokeAllOf(any(), any());
        verify(index, never()).revokeAll(anyList());
    }

    @Test
    void aGraceOutsideItsBoundsIsRefusedBeforeAnythingHappens() {
        assertThatThrownBy(() -> containment.emergencyRotate(keyId, "oncall", "x", Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidKeyRequestException.class)
                .hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> containment.emergencyRotate(keyId, "oncall", "x", Duration.ofMinutes(61)))
                .isInstanceOf(InvalidKeyRequestException.class)
                .hasMessageContaining("at most PT1H");
        verifyNoInteractions(wave, versions, index, delivered, transactionManager);
    }

    @Test
    void aReissueThatFailsAfterContainmentIsLeftForTheNextSweepNotThrown() {
        when(versions.ofKey(keyId)).thenReturn(List.of(leaked));
        when(wave.rotateAll(any()))
                .thenReturn(List.of(CompletableFuture.failedFuture(
                        new RotationFailedException(UUID.randomUUID(), "vault:secret/crm", "503"))));

        containment.reissueContained(keyId);

        verify(wave)
                .rotateAll(List.of(new RotationRequest(
                        keyId,
                        Trigger.EMERGENCY,
                        "system",
                        "emergency rotation interrupted after containment",
                        Duration.ZERO,
                        NOW,
                        null)));
    }

    private Rotation rotation() {
        return Rotation.delivering(
                keyId, Trigger.EMERGENCY, "oncall", "r", 4, UUID.randomUUID(), 5, Duration.ZERO, NOW, NOW);
    }
}
