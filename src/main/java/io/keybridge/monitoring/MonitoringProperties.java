package io.keybridge.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Monitoring settings.
 *
 * @param sweepInterval how often keys are checked for the findings below
 * @param overdueAfter how late a planned rotation may be before it is a {@code ROTATION_OVERDUE} finding (a failed
 *     attempt is one at once)
 * @param expiringWithin how far ahead a key's own expiry is a {@code KEY_EXPIRING} finding
 * @param dormantAfter how long without use makes a key {@code DORMANT}
 */
@ConfigurationProperties("keybridge.monitoring")
public record MonitoringProperties(
        @DefaultValue("PT5M") Duration sweepInterval,
        @DefaultValue("PT15M") Duration overdueAfter,
        @DefaultValue("P7D") Duration expiringWithin,
        @DefaultValue("P30D") Duration dormantAfter) {}
