package io.keybridge.rotation;

import static io.keybridge.rotation.RotationState.COMPLETED;
import static io.keybridge.rotation.RotationState.DELIVERING;
import static io.keybridge.rotation.RotationState.FAILED;
import static io.keybridge.rotation.RotationState.OVERLAP;
import static io.keybridge.rotation.RotationState.REVOKING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transition table of a rotation: every move it allows, and that nothing else is. */
class RotationStateTests {

    @Test
    void theMovesARotationMakes() {
        List<String> allowed = new ArrayList<>();
        for (RotationState from : RotationState.values()) {
            for (RotationState to : RotationState.values()) {
                if (from.next().contains(to)) {
                    allowed.add(from + " -> " + to);
                }
            }
        }

        assertThat(allowed)
                .containsExactlyInAnyOrder(
                        "DELIVERING -> OVERLAP",
                        "DELIVERING -> FAILED",
                        "OVERLAP -> REVOKING",
                        "OVERLAP -> COMPLETED",
                        "REVOKING -> COMPLETED");
    }

    @Test
    void noMoveGoesBackOrLeavesAFinishedRotation() {
        assertThat(EnumSet.allOf(RotationState.class).stream().filter(RotationState::finished))
                .containsExactlyInAnyOrder(COMPLETED, FAILED);
        for (RotationState state : RotationState.values()) {
            assertThat(state.next()).as("%s moves to itself", state).doesNotContain(state);
            assertThat(state.next()).as("%s moves back to DELIVERING", state).doesNotContain(DELIVERING);
        }
        assertThatIllegalStateException()
                .isThrownBy(() -> OVERLAP.to(DELIVERING))
                .withMessageContaining("OVERLAP");
        assertThatIllegalStateException().isThrownBy(() -> COMPLETED.to(REVOKING));
        assertThatIllegalStateException().isThrownBy(() -> FAILED.to(OVERLAP));
        assertThat(DELIVERING.to(OVERLAP)).isEqualTo(OVERLAP);
    }
}
