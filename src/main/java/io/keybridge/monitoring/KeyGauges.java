package io.keybridge.monitoring;

import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the database when scraped, at most once per {@value #REUSE_SECONDS} seconds: keys by status
 * ({@code keybridge.keys}) and overdue rotations ({@code keybridge.rotations.overdue}).
 */
@Component
class KeyGauges {

    private static final long REUSE_SECONDS = 10;

    private final ApiKeys keys;
    private final MonitoringProperties properties;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(Instant.EPOCH, Map.of(), 0);

    KeyGauges(ApiKeys keys, MonitoringProperties properties, Clock clock, MeterRegistry meters) {
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
        for (KeyStatus status : KeyStatus.values()) {
            Gauge.builder(
                            "keybridge.keys",
                            this,
                            gauges -> gauges.current().byStatus().getOrDefault(status, 0L))
                    .description("Keys by status")
                    .tag("status", status.name().toLowerCase(Locale.ROOT))
                    .register(meters);
        }
        Gauge.builder(
                        "keybridge.rotations.overdue",
                        this,
                        gauges -> gauges.current().overdue())
                .description("Active keys whose rotation failed or is later than keybridge.monitoring.overdue-after")
                .register(meters);
    }

    private Snapshot current() {
        Instant now = clock.instant();
        Snapshot last = snapshot;
        if (Duration.between(last.at(), now).abs().getSeconds() < REUSE_SECONDS) {
            return last;
        }
        Snapshot fresh = new Snapshot(
                now,
                keys.countByStatus(),
                keys.rotationOverdue(now.minus(properties.overdueAfter())).size());
        snapshot = fresh;
        return fresh;
    }

    private record Snapshot(Instant at, Map<KeyStatus, Long> byStatus, long overdue) {}
}
