package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;

/** The rule every sweep applies to what it finds unfinished: which step settles a rotation in each state. */
class UnfinishedRotationsTests {

    private final RotationRunner runner = mock(RotationRunner.class);
    private final OverlapEnd overlapEnd = mock(OverlapEnd.class);
    private final Containment containment = mock(Containment.class);
    private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);
    private final UnfinishedRotations unfinished =
            new UnfinishedRotations(runner, overlapEnd, containment, new Settling(events));

    @Test
    void aDeliveryNobodyRunsIsSettledAsInterrupted() {
        Rotation delivering = rotation(RotationState.DELIVERING);

        assertThat(unfinished.settle("sweep", delivering)).isTrue();
        verify(runner).recoverInterrupted(delivering);
    }

    @Test
    void aRotationInItsOverlapOrRevokingIsEnded() {
        Rotation overlap = rotation(RotationState.OVERLAP);
        Rotation revoking = rotation(RotationState.REVOKING);

        assertThat(unfinished.settle("sweep", overlap)).isTrue();
        assertThat(unfinished.settle("sweep", revoking)).isTrue();
        verify(overlapEnd).endOverlap(overlap.id());
        verify(overlapEnd).endOverlap(revoking.id());
    }

    @Test
    void aFinishedRotationIsLeftAlone() {
        assertThat(unfinished.settle("sweep", rotation(RotationState.COMPLETED)))
                .isFalse();
        assertThat(unfinished.settle("sweep", rotation(RotationState.FAILED))).isFalse();
        verifyNoInteractions(runner, overlapEnd, containment);
    }

    @Test
    void aContainedKeyIsReissuedAndAStepThatFailsIsAnnouncedNotThrown() {
        UUID keyId = UUID.randomUUID();
        assertThat(unfinished.settleContained("sweep", keyId)).isTrue();
        verify(containment).reissueContained(keyId);

        Rotation broken = rotation(RotationState.DELIVERING);
        doThrow(new IllegalStateException("policy 'gone' is not loaded"))
                .when(runner)
                .recoverInterrupted(broken);
        assertThat(unfinished.settle("sweep", broken)).isFalse();
        verify(events).publishEvent(any(RotationUnsettled.class));
    }

    private static Rotation rotation(RotationState state) {
        return new Rotation(
                UUID.randomUUID(),
                UUID.randomUUID(),
                Trigger.SCHEDULED,
                "keybridge",
                null,
                1,
                UUID.randomUUID(),
                2,
                state,
                Duration.ofHours(1),
                Instant.parse("2026-12-02T08:00:00Z"),
                null,
                null,
                null,
                null,
                null);
    }
}
