package io.keybridge.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Usage counting and anomaly settings.
 *
 * @param flushInterval how often counts are written and checked (a scope-probing burst is judged per interval)
 * @param retention how long hourly aggregates are kept
 * @param baseline how far back a key's usual traffic is taken from
 * @param spikeFactor an hour with more than this many times the key's median busy hour is a spike
 * @param spikeMinimum ...and at least this many requests (a key used 3 times an hour may well be used 40 times)
 * @param spikeHistory how much history a key needs before spikes are judged
 * @param offHoursHistory how much history a key needs before its usual hours are judged
 * @param offHoursTolerance hours either side of a usual hour that still count as usual
 * @param probingMinimum refusals for a missing scope within one interval, at least half the key's requests there,
 *     that make a scope-probing burst
 * @param unusedScopeAfter a granted scope no request needed for this long (on a key at least this old) is a finding
 */
@ConfigurationProperties("keybridge.usage")
public record UsageProperties(
        @DefaultValue("PT1M") Duration flushInterval,
        @DefaultValue("P35D") Duration retention,
        @DefaultValue("P14D") Duration baseline,
        @DefaultValue("10") int spikeFactor,
        @DefaultValue("100") long spikeMinimum,
        @DefaultValue("P3D") Duration spikeHistory,
        @DefaultValue("P7D") Duration offHoursHistory,
        @DefaultValue("1") int offHoursTolerance,
        @DefaultValue("20") long probingMinimum,
        @DefaultValue("P90D") Duration unusedScopeAfter) {}
