package io.keybridge.lifecycle.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keybridge.keys.ConsumerProfile;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerRequestTests {

    private static final String FIELD = "destinations[1].consumer";

    @Test
    void aConsumerIsItsKindWithTheKindsDefaultsOrTheGivenIntervals() {
        assertThat(ConsumerRequest.profile(FIELD, null)).isNull();
        assertThat(ConsumerRequest.profile(FIELD, Map.of("kind", "csi-driver")))
                .isEqualTo(new ConsumerProfile(ConsumerProfile.Kind.CSI_DRIVER, Duration.ofMinutes(2), Duration.ZERO));
        assertThat(ConsumerRequest.profile(
                        FIELD, Map.of("kind", "startup-only", "refreshInterval", "P1D", "restartGrace", "PT15M")))
                .isEqualTo(new ConsumerProfile(
                        ConsumerProfile.Kind.STARTUP_ONLY, Duration.ofDays(1), Duration.ofMinutes(15)));
    }

    @Test
    void eachFaultNamesItsFieldAndNoneEchoesTheValue() {
        assertRefused("vault-agent", FIELD, "object");
        assertRefused(Map.of("kind", "vault-agent", "secret", "x"), FIELD, "unknown-field");
        assertRefused(Map.of("refreshInterval", "PT1M"), FIELD + ".kind", "required");
        assertRefused(Map.of("kind", "k8s-sidecar-9000"), FIELD + ".kind", "unknown-kind");
        assertRefused(Map.of("kind", "custom"), FIELD + ".refreshInterval", "bounds");
        assertRefused(Map.of("kind", "custom", "refreshInterval", "5 minutes"), FIELD + ".refreshInterval", "duration");
        assertRefused(Map.of("kind", "custom", "refreshInterval", 300), FIELD + ".refreshInterval", "duration");
        assertRefused(Map.of("kind", "custom", "refreshInterval", "PT0S"), FIELD + ".refreshInterval", "bounds");
        assertRefused(Map.of("kind", "vault-agent", "restartGrace", "P99D"), FIELD + ".restartGrace", "bounds");
    }

    private static void assertRefused(Object consumer, String field, String rule) {
        assertThatThrownBy(() -> ConsumerRequest.profile(FIELD, consumer))
                .isInstanceOfSatisfying(InvalidKeyRequestException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.rule()).isEqualTo(rule);
                    assertThat(e.getMessage())
                            .doesNotContain("k8s-sidecar-9000")
                            .doesNotContain("5 minutes")
                            .doesNotContain("secret\"");
                });
    }
}
