package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.delivery.Destinations;
import io.keybridge.keys.DeliveryState;
import io.keybridge.lifecycle.DestinationStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadInstructionsTests {

    @Test
    void aDestinationTypeThatNoStoreServesSaysSoInsteadOfGuessingACommand() {
        Destinations none = new Destinations(List.of(), new SimpleMeterRegistry());

        assertThat(ReadInstructions.of(none, status("gcp", "gcp:projects/p/secrets/crm")))
                .isEqualTo("(no destination of type 'gcp' is configured to say how to read gcp:projects/p/secrets/crm)")
                .doesNotContain("vault kv get");
    }

    private static DestinationStatus status(String type, String ref) {
        return new DestinationStatus(type, ref, "v1", DeliveryState.values()[0], null, null);
    }
}
