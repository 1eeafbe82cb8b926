package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.FindingRaised;
import io.keybridge.findings.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class AutoRotationTests {

    private final EmergencyRotations emergencies = mock(EmergencyRotations.class);
    private final UUID keyId = UUID.randomUUID();

    @org.junit.jupiter.api.BeforeEach
    void runsStart() {
        org.mockito.Mockito.when(emergencies.start(any(), anyString(), anyString(), anyString()))
                .thenReturn(new EmergencyRun(
                        UUID.randomUUID(),
                        "keybridge",
                        "test",
                        "test",
                        EmergencyRun.State.RUNNING,
                        1,
                        Instant.now(),
                        Instant.now(),
                        null,
                        List.of()));
    }

    @Test
    void offByDefault() {
        new AutoRotation(emergencies, new AutoRotation.Policy(null, Set.of()))
                .on(raised(FindingKind.SOURCE_NOT_ALLOWED, Severity.CRITICAL));

        verify(emergencies, never()).start(any(), anyString(), anyString(), anyString());
    }

    @Test
    void rotatesTheKeyOfAFindingAtOrAboveTheSeverity() {
        AutoRotation policy = new AutoRotation(emergencies, new AutoRotation.Policy(Severity.HIGH, Set.of()));

        policy.on(raised(FindingKind.OFF_HOURS, Severity.MEDIUM));
        verify(emergencies, never()).start(any(), anyString(), anyString(), anyString());

        policy.on(raised(FindingKind.REQUEST_SPIKE, Severity.HIGH));
        ArgumentCaptor<KeySelector> selector = ArgumentCaptor.forClass(KeySelector.class);
        verify(emergencies).start(selector.capture(), anyString(), anyString(), eq("keybridge"));
        assertThat(selector.getValue().keyIds()).containsExactly(keyId);
    }

    @Test
    void onlyTheListedKindsAndNeverLeakReportsWhichHaveTheirOwnResponse() {
        AutoRotation policy =
                new AutoRotation(emergencies, new AutoRotation.Policy(Severity.LOW, Set.of(FindingKind.STRAGGLER)));

        policy.on(raised(FindingKind.REQUEST_SPIKE, Severity.HIGH));
        policy.on(raised(FindingKind.LEAK_REPORTED, Severity.CRITICAL));
        verify(emergencies, never()).start(any(), anyString(), anyString(), anyString());

        policy.on(raised(FindingKind.STRAGGLER, Severity.MEDIUM));
        verify(emergencies).start(any(), anyString(), anyString(), anyString());
    }

    private FindingRaised raised(FindingKind kind, Severity severity) {
        return new FindingRaised(
                Finding.open(UUID.randomUUID(), keyId, kind, severity, Instant.now(), "test", Map.of()));
    }
}
