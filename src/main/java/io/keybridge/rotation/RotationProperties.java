package io.keybridge.rotation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rotation settings.
 *
 * @param policies the folder of rotation policy files ({@code *.yaml}); by default those shipped in the jar
 * @param minimumOverlap the shortest overlap a policy or a manual rotation may ask for: at least the interval at which
 *     consumers (or secret-syncing operators) re-read their secret, so none is left holding a revoked key
 * @param removalRetry how soon the end of an overlap tries again when a destination refused to remove the old
 *     versions (they are revoked already and no longer verify; the rotation stays {@code REVOKING} until they are gone)
 * @param maximumOverlap the longest overlap a policy or a manual rotation may ask for: an old version is meant to die
 * @param maximumEmergencyGrace the longest grace an emergency rotation may give the leaked version: an emergency means
 *     the old key dies soon
 */
@ConfigurationProperties("keybridge.rotation")
record RotationProperties(
        @DefaultValue("classpath:policies/rotation") String policies,
        @DefaultValue("PT1H") Duration minimumOverlap,
        @DefaultValue("PT1M") Duration removalRetry,
        @DefaultValue("P30D") Duration maximumOverlap,
        @DefaultValue("PT1H") Duration maximumEmergencyGrace) {}
