package io.keybridge.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationPickupTests {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void theSummaryCountsWhoMovedAndNamesTheFirstStragglers() {
        List<Pickup.Source> sources = List.of(
                new Pickup.Source("10.1.2.3", 7, NOW.minusSeconds(1), true),
                new Pickup.Source("10.1.2.4", 6, NOW.minusSeconds(40), false),
                new Pickup.Source("10.1.2.5", 7, NOW.minusSeconds(2), true),
                new Pickup.Source("10.1.2.6", 7, NOW.minusSeconds(3), true));

        assertThat(RotationPickup.summary(sources, 7, Duration.ofMinutes(15), NOW))
                .isEqualTo("3 of 4 sources on version 7; 10.1.2.4 still on 6, last seen 40 s ago");
        assertThat(new Pickup(Duration.ofMinutes(15), 7, sources, "").stragglers())
                .extracting(Pickup.Source::source)
                .containsExactly("10.1.2.4");
    }

    @Test
    void manyStragglersAreCountedNotAllNamedAndNoSourceIsSaidSo() {
        List<Pickup.Source> behind = List.of(
                new Pickup.Source("10.0.0.1", 1, NOW.minusSeconds(5), false),
                new Pickup.Source("10.0.0.2", 1, NOW.minusSeconds(6), false),
                new Pickup.Source("10.0.0.3", 1, NOW.minusSeconds(7), false),
                new Pickup.Source("10.0.0.4", 1, NOW.minusSeconds(8), false),
                new Pickup.Source("10.0.0.5", 1, NOW.minusSeconds(9), false));

        assertThat(RotationPickup.summary(behind, 2, Duration.ofMinutes(15), NOW))
                .startsWith("0 of 5 sources on version 2; 10.0.0.1 still on 1, last seen 5 s ago;")
                .endsWith("; and 2 more");
        assertThat(RotationPickup.summary(List.of(), 2, Duration.ofMinutes(15), NOW))
                .isEqualTo("no source presented the key in the last PT15M");
    }
}
