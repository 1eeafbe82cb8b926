package io.keybridge.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryBackOffTests {

    @Test
    void withoutJitterTheWaitDoublesUpToTheLongest() {
        RetryBackOff backOff = new RetryBackOff(Duration.ofSeconds(2), Duration.ofSeconds(10), 0);

        assertThat(backOff.after(0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backOff.after(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backOff.after(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backOff.after(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backOff.after(4)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backOff.after(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }

    @RepeatedTest(20)
    void jitterSpreadsEachWaitAroundItsStepAndNeverPastTheLongest() {
        RetryBackOff backOff = new RetryBackOff(Duration.ofSeconds(30), Duration.ofMinutes(10), 0.2);

        assertThat(backOff.after(1)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(36));
        assertThat(backOff.after(3)).isBetween(Duration.ofSeconds(96), Duration.ofSeconds(144));
        assertThat(backOff.after(1_000)).isBetween(Duration.ofMinutes(8), Duration.ofMinutes(10));
    }

    @Test
    void nonsenseIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RetryBackOff(Duration.ZERO, Duration.ofSeconds(1), 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RetryBackOff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RetryBackOff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1));
    }
}
