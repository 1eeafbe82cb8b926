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
 * @param preflightAhead how long before a planned rotation keybridge checks it can write the key's destinations
 * @param expiringWithin how far ahead a key's own expiry is a {@code KEY_EXPIRING} finding
 * @param dormantAfter how long without use makes a key {@code DORMANT} (a finding that announces the steps below)
 * @param suspendAfter how long without use suspends a key (an ADMIN can resume it); {@code 0} never
 * @param revokeAfter how long without use revokes a key for good; {@code 0} never
 * @param noticePeriod the least time between a step's announcement and the step
 * @param settleInterval how often unresolved findings are checked for conditions that went away
 * @param stragglerGoneAfter a {@code STRAGGLER} finding resolves itself once its revoked version has not been
 *     presented from its source for this long (PT1M to P30D)
 */
@ConfigurationProperties("keybridge.monitoring")
record MonitoringProperties(
        @DefaultValue("PT5M") Duration sweepInterval,
        @DefaultValue("PT15M") Duration overdueAfter,
        @DefaultValue("P3D") Duration preflightAhead,
        @DefaultValue("P7D") Duration expiringWithin,
        @DefaultValue("P30D") Duration dormantAfter,
        @DefaultValue("P60D") Duration suspendAfter,
        @DefaultValue("P90D") Duration revokeAfter,
        @DefaultValue("P7D") Duration noticePeriod,
        @DefaultValue("PT1M") Duration settleInterval,
        @DefaultValue("P1D") Duration stragglerGoneAfter) {

    public MonitoringProperties {
        if (stragglerGoneAfter.compareTo(Duration.ofMinutes(1)) < 0
                || stragglerGoneAfter.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException(
                    "keybridge.monitoring.straggler-gone-after must be between PT1M and P30D");
        }
        if (settleInterval.compareTo(Duration.ofMillis(100)) < 0 || settleInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("keybridge.monitoring.settle-interval must be between PT0.1S and P1D");
        }
        if (!suspendAfter.isZero() && suspendAfter.compareTo(dormantAfter) <= 0) {
            throw new IllegalArgumentException("keybridge.monitoring.suspend-after must be longer than dormant-after,"
                    + " so that owners hear of it first (or 0 for never)");
        }
        if (!revokeAfter.isZero()
                && (revokeAfter.compareTo(dormantAfter) <= 0
                        || (!suspendAfter.isZero() && revokeAfter.compareTo(suspendAfter) <= 0))) {
            throw new IllegalArgumentException("keybridge.monitoring.revoke-after must be longer than dormant-after"
                    + " and suspend-after (or 0 for never)");
        }
    }
}
