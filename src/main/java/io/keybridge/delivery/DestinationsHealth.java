package io.keybridge.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code destinations} in {@code /actuator/health}: each configured secret store probed with keybridge's own
 * credentials. Down if any configured one fails. Answers are reused for a few seconds, so that a busy health endpoint
 * cannot turn into load on Vault or AWS. Not part of the liveness or readiness groups: a secret store's outage must
 * not restart keybridge, whose verification keeps working without it.
 */
@Component("destinationsHealthIndicator")
class DestinationsHealth implements HealthIndicator {

    private static final Duration REUSE = Duration.ofSeconds(5);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DestinationsHealth.class);

    private final Destinations destinations;
    private final Clock clock;
    private volatile Health last = Health.unknown().build();
    private volatile Instant checkedAt = Instant.EPOCH;

    DestinationsHealth(Destinations destinations, Clock clock) {
        this.destinations = destinations;
        this.clock = clock;
    }

    /**
     * One start-up line with how keybridge reaches each secret store and as whom (Vault's login, AWS's identity),
     * probed beside the start so that a slow store never delays it.
     */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void logAtStart() {
        Thread.ofVirtual().name("destinations-at-start").start(() -> {
            Health checked = health();
            log.info("secret stores at start: {} {}", checked.getStatus(), checked.getDetails());
        });
    }

    @Override
    public Health health() {
        Instant now = clock.instant();
        if (Duration.between(checkedAt, now).abs().compareTo(REUSE) < 0) {
            return last;
        }
        Health checked = check();
        last = checked;
        checkedAt = now;
        return checked;
    }

    private Health check() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean down = false;
        for (SecretDestination destination : destinations.all()) {
            try {
                String checked = destination.probe();
                details.put(destination.type(), checked == null ? "not configured" : "UP: " + checked);
            } catch (DestinationException e) {
                down = true;
                details.put(destination.type(), "DOWN: " + e.getMessage());
            } catch (RuntimeException e) {
                // a fault in a probe is an answer too: the health endpoint itself never fails
                down = true;
                details.put(
                        destination.type(),
                        "DOWN: probe failed (" + e.getClass().getSimpleName() + ")");
            }
        }
        return Health.status(down ? Status.DOWN : Status.UP)
                .withDetails(details)
                .build();
    }
}
