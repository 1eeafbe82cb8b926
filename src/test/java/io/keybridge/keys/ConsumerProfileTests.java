package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsumerProfileTests {

    @Test
    void eachKindHasItsDocumentedRefreshUnlessOneIsGiven() {
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.VAULT_AGENT, null, null)
                        .refreshInterval())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.EXTERNAL_SECRETS, null, null)
                        .refreshInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.CSI_DRIVER, null, null)
                        .refreshInterval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.AWS_CACHING_CLIENT, null, null)
                        .refreshInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.AWS_LAMBDA_EXTENSION, null, null)
                        .refreshInterval())
                .isEqualTo(Duration.ofSeconds(300));
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.VAULT_AGENT, Duration.ofSeconds(30), null)
                        .refreshInterval())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theOverlapItNeedsIsTwoRefreshesAndTheRestartGrace() {
        ConsumerProfile agent =
                ConsumerProfile.of(ConsumerProfile.Kind.VAULT_AGENT, Duration.ofMinutes(5), Duration.ofMinutes(3));

        assertThat(agent.requiredOverlap()).isEqualTo(Duration.ofMinutes(13));
        assertThat(agent.describe()).isEqualTo("a vault-agent consumer that refreshes every PT5M (restart grace PT3M)");
        assertThat(ConsumerProfile.of(ConsumerProfile.Kind.STARTUP_ONLY, Duration.ofDays(1), null)
                        .describe())
                .isEqualTo("a startup-only consumer that restarts every PT24H");
    }

    @Test
    void startupOnlyAndCustomNeedTheirIntervalAndEveryIntervalIsBounded() {
        assertThatThrownBy(() -> ConsumerProfile.of(ConsumerProfile.Kind.STARTUP_ONLY, null, null))
                .hasMessageContaining("give its restart cadence as refreshInterval");
        assertThatThrownBy(() -> ConsumerProfile.of(ConsumerProfile.Kind.CUSTOM, null, null))
                .hasMessageContaining("needs its refreshInterval");
        assertThatThrownBy(() -> ConsumerProfile.of(ConsumerProfile.Kind.CUSTOM, Duration.ofMillis(500), null))
                .hasMessageStartingWith("refreshInterval must be from PT1S to PT360H");
        assertThatThrownBy(() -> ConsumerProfile.of(ConsumerProfile.Kind.CUSTOM, Duration.ofDays(16), null))
                .hasMessageStartingWith("refreshInterval must be from PT1S to PT360H");
        assertThatThrownBy(() -> ConsumerProfile.of(ConsumerProfile.Kind.VAULT_AGENT, null, Duration.ofSeconds(-1)))
                .hasMessageStartingWith("restartGrace must be from PT0S");
        assertThatThrownBy(() -> ConsumerProfile.Kind.of("k8s"))
                .hasMessageContaining("known kinds: vault-agent, external-secrets, csi-driver, aws-caching-client,"
                        + " aws-lambda-extension, startup-only, custom");
    }
}
