package io.keybridge.usage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** The baseline the anomaly detector compares a key's current hour with, for showing beside its traffic. */
@Component
public class UsageBaseline {

    private final UsageStore store;
    private final UsageProperties properties;

    UsageBaseline(UsageStore store, UsageProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    /** The key's baseline as the detector would judge the hour holding {@code now}. */
    public Baseline of(UUID keyId, Instant now) {
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        List<UsageStore.HourCount> history = store.hours(keyId, hour.minus(properties.baseline()), hour);
        long median = AnomalyDetector.median(history);
        return new Baseline(median, AnomalyDetector.spikeFrom(properties, median), history.size());
    }

    /**
     * @param medianBusyHour the median of the key's hours with any use in the baseline period
     * @param spikeFrom an hour with this many requests or more is a {@code REQUEST_SPIKE}
     * @param busyHours how many hours with use the baseline has
     */
    public record Baseline(long medianBusyHour, long spikeFrom, int busyHours) {}
}
