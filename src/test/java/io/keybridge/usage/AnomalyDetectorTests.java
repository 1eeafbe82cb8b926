package io.keybridge.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.NewFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

class AnomalyDetectorTests {

    private final AnomalyDetector detector =
            new AnomalyDetector(new Binder().bindOrCreate("keybridge.usage", UsageProperties.class));
    private final UUID keyId = UUID.randomUUID();
    private final Instant now = Instant.parse("2026-11-30T10:20:00Z");

    @Test
    void aNewKeyIsNotJudgedUntilItHasHistory() {
        List<UsageStore.HourCount> oneDay = busyHours(1, 9, 17, 5);

        assertThat(detector.check("k", window(5000, 0, 0), 5000, oneDay, now))
                .as("a day of history is no baseline for spikes or hours")
                .isEmpty();
    }

    @Test
    void aSpikeNeedsBothTheFactorAndTheMinimum() {
        List<UsageStore.HourCount> twoWeeks = busyHours(14, 9, 17, 5);

        assertThat(kinds(detector.check("k", window(50, 0, 0), 99, twoWeeks, now)))
                .isEmpty();
        assertThat(kinds(detector.check("k", window(50, 0, 0), 100, twoWeeks, now)))
                .containsExactly(FindingKind.REQUEST_SPIKE);
        List<UsageStore.HourCount> busy = busyHours(14, 9, 17, 50);
        assertThat(kinds(detector.check("k", window(50, 0, 0), 400, busy, now)))
                .as("400 is not ten times a median of 50")
                .isEmpty();
    }

    @Test
    void usualHoursAllowAnHourEitherSide() {
        List<UsageStore.HourCount> twoWeeks = busyHours(14, 9, 17, 5);

        assertThat(kinds(detector.check("k", window(5, 0, 0), 5, twoWeeks, at(8))))
                .isEmpty();
        assertThat(kinds(detector.check("k", window(5, 0, 0), 5, twoWeeks, at(17))))
                .isEmpty();
        assertThat(kinds(detector.check("k", window(5, 0, 0), 5, twoWeeks, at(6))))
                .containsExactly(FindingKind.OFF_HOURS);
    }

    @Test
    void scopeProbingIsABurstOfMostlyRefusedRequests() {
        List<UsageStore.HourCount> twoWeeks = busyHours(14, 9, 17, 5);

        assertThat(kinds(detector.check("k", window(40, 19, 0), 40, twoWeeks, now)))
                .isEmpty();
        assertThat(kinds(detector.check("k", window(100, 20, 0), 100, busyHours(14, 9, 17, 50), now)))
                .as("20 refusals among 100 requests is a client bug, not probing")
                .isEmpty();
        assertThat(kinds(detector.check("k", window(40, 20, 0), 40, twoWeeks, now)))
                .containsExactly(FindingKind.SCOPE_PROBING);
    }

    private Instant at(int hourOfDay) {
        return Instant.parse("2026-11-30T00:20:00Z").plus(Duration.ofHours(hourOfDay));
    }

    private UsageWindow window(long requests, long missingScope, long sourceRefused) {
        return new UsageWindow(keyId, requests, missingScope, sourceRefused, Set.of(), Set.of());
    }

    private static List<UsageStore.HourCount> busyHours(int days, int from, int to, long perHour) {
        List<UsageStore.HourCount> hours = new ArrayList<>();
        Instant start = Instant.parse("2026-11-30T00:00:00Z").minus(Duration.ofDays(days));
        for (int day = 0; day < days; day++) {
            for (int hour = from; hour < to; hour++) {
                hours.add(new UsageStore.HourCount(
                        start.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)), perHour));
            }
        }
        return hours;
    }

    private static List<FindingKind> kinds(List<NewFinding> found) {
        return found.stream().map(NewFinding::kind).toList();
    }
}
