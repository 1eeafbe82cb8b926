package io.keybridge.usage;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares one key's latest traffic with its own history. Pure: the caller reads the history and raises what this
 * returns. Hours of the day are UTC.
 */
final class AnomalyDetector {

    private final UsageProperties properties;

    AnomalyDetector(UsageProperties properties) {
        this.properties = properties;
    }

    /**
     * @param name the key's name, for the summaries
     * @param window the key's use in the interval just flushed
     * @param thisHour requests in the current hour so far, from every node
     * @param history the key's busy hours before the current one, within the baseline period, oldest first
     */
    List<NewFinding> check(
            String name, UsageWindow window, long thisHour, List<UsageStore.HourCount> history, Instant now) {
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        String hourKey = window.keyId() + " " + hour;
        List<NewFinding> found = new ArrayList<>();
        Duration span = history.isEmpty()
                ? Duration.ZERO
                : Duration.between(history.getFirst().hour(), hour);

        long median = median(history);
        if (span.compareTo(properties.spikeHistory()) >= 0 && thisHour >= spikeFrom(properties, median)) {
            found.add(new NewFinding(
                    window.keyId(),
                    FindingKind.REQUEST_SPIKE,
                    Severity.HIGH,
                    "'" + name + "': " + thisHour + " requests this hour, its busy hours have a median of " + median,
                    Map.of(
                            "hour", hour.toString(),
                            "requests", Long.toString(thisHour),
                            "medianBusyHour", Long.toString(median),
                            "busyHoursInBaseline", Integer.toString(history.size())),
                    hourKey));
        }

        int hourOfDay = hour.atOffset(ZoneOffset.UTC).getHour();
        Set<Integer> usualHours = new HashSet<>();
        history.forEach(h -> usualHours.add(h.hour().atOffset(ZoneOffset.UTC).getHour()));
        if (window.requests() > 0
                && span.compareTo(properties.offHoursHistory()) >= 0
                && !usual(hourOfDay, usualHours)) {
            found.add(new NewFinding(
                    window.keyId(),
                    FindingKind.OFF_HOURS,
                    Severity.MEDIUM,
                    "'" + name + "' used at " + String.format("%02d", hourOfDay) + ":00 UTC, outside its usual hours "
                            + new TreeSet<>(usualHours),
                    Map.of(
                            "hour", hour.toString(),
                            "requests", Long.toString(window.requests()),
                            "usualHoursUtc", new TreeSet<>(usualHours).toString()),
                    window.keyId() + " " + hour));
        }

        if (window.missingScope() >= properties.probingMinimum() && window.missingScope() * 2 >= window.requests()) {
            found.add(new NewFinding(
                    window.keyId(),
                    FindingKind.SCOPE_PROBING,
                    Severity.HIGH,
                    "'" + name + "': " + window.missingScope() + " of " + window.requests()
                            + " requests asked for scopes it lacks",
                    Map.of(
                            "refusedForScope", Long.toString(window.missingScope()),
                            "requests", Long.toString(window.requests())),
                    hourKey));
        }

        if (window.sourceRefused() > 0) {
            found.add(new NewFinding(
                    window.keyId(),
                    FindingKind.SOURCE_NOT_ALLOWED,
                    Severity.HIGH,
                    "'" + name + "' refused " + window.sourceRefused() + "× from outside its allowed sources: "
                            + new TreeSet<>(window.refusedSources()),
                    Map.of(
                            "refused", Long.toString(window.sourceRefused()),
                            "sources", new TreeSet<>(window.refusedSources()).toString()),
                    hourKey));
        }
        return found;
    }

    private boolean usual(int hourOfDay, Set<Integer> usualHours) {
        for (int delta = -properties.offHoursTolerance(); delta <= properties.offHoursTolerance(); delta++) {
            if (usualHours.contains(Math.floorMod(hourOfDay + delta, 24))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fewest requests in an hour that make a spike, for a key whose busy hours have this median: more than
     * {@code spike-factor} times the median, and at least {@code spike-minimum}.
     */
    static long spikeFrom(UsageProperties properties, long median) {
        return Math.max(properties.spikeMinimum(), properties.spikeFactor() * median + 1);
    }

    static long median(List<UsageStore.HourCount> history) {
        if (history.isEmpty()) {
            return 0;
        }
        long[] counts = history.stream()
                .mapToLong(UsageStore.HourCount::requests)
                .sorted()
                .toArray();
        return counts[counts.length / 2];
    }
}
