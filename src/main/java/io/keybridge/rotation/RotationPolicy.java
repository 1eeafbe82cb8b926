package io.keybridge.rotation;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;

/**
 * How and when a key's secret is replaced. Loaded from {@code policies/rotation/*.yaml} by {@link RotationPolicies}.
 *
 * @param rotateEvery fixed interval between rotations, or null when {@code cron} is set
 * @param cron Quartz cron expression (with {@code timeZone}), or null when {@code rotateEvery} is set
 * @param overlap how long the old and the new version both verify after the new one is confirmed everywhere
 * @param rotateBeforeExpiry lead time: a key that expires rotates this long before its {@code expiresAt}
 * @param keyLifetime if set, each new version expires this long after it is issued
 * @param revokeAtDestination what happens at the destination to a version whose overlap has ended
 * @param revokeOldWhen revoke the old version when the overlap ends, or as soon as it is drained
 * @param drainQuiet with {@code drained}: how long the old version must have been unused
 */
public record RotationPolicy(
        String name,
        @Nullable Duration rotateEvery,
        @Nullable String cron,
        @Nullable ZoneId timeZone,
        Duration overlap,
        Duration rotateBeforeExpiry,
        @Nullable Duration keyLifetime,
        RevokeAtDestination revokeAtDestination,
        RevokeOldWhen revokeOldWhen,
        @Nullable Duration drainQuiet) {

    public RotationPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(rotateBeforeExpiry, "rotateBeforeExpiry");
        Objects.requireNonNull(revokeAtDestination, "revokeAtDestination");
        Objects.requireNonNull(revokeOldWhen, "revokeOldWhen");
        if ((rotateEvery == null) == (cron == null)) {
            throw new IllegalArgumentException("exactly one of rotateEvery and cron");
        }
    }

    /**
     * The shortest time this policy leaves between two rotations: its interval (for cron, the smallest gap among the
     * next 50 firings), or the version lifetime minus the expiry lead if that is shorter.
     */
    public Duration shortestInterval() {
        Duration shortest;
        if (rotateEvery != null) {
            shortest = rotateEvery;
        } else {
            shortest = null;
            Instant previous = nextRotation(Instant.now(), null);
            for (int i = 0; i < 50 && !previous.equals(Instant.MAX); i++) {
                Instant next = nextRotation(previous, null);
                Duration gap = Duration.between(previous, next);
                shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
                previous = next;
            }
            shortest = shortest == null ? Duration.ofDays(36500) : shortest;
        }
        if (keyLifetime != null) {
            Duration byExpiry = keyLifetime.minus(rotateBeforeExpiry);
            shortest = byExpiry.compareTo(shortest) < 0 ? byExpiry : shortest;
        }
        return shortest;
    }

    /**
     * When a key rotated (or issued) at {@code last} next rotates: on schedule, or earlier if its expiry comes first;
     * {@link Instant#MAX} for a cron that fires no more.
     *
     * @param expiresAt the current version's expiry, or null
     */
    public Instant nextRotation(Instant last, @Nullable Instant expiresAt) {
        Instant scheduled;
        if (rotateEvery != null) {
            scheduled = last.plus(rotateEvery);
        } else {
            try {
                CronExpression expression = new CronExpression(cron);
                expression.setTimeZone(java.util.TimeZone.getTimeZone(timeZone == null ? ZoneId.of("UTC") : timeZone));
                Date next = expression.getNextValidTimeAfter(Date.from(last));
                scheduled = next == null ? Instant.MAX : next.toInstant();
            } catch (java.text.ParseException e) {
                throw new IllegalStateException("cron was validated at load: " + cron, e);
            }
        }
        if (expiresAt != null && expiresAt.minus(rotateBeforeExpiry).isBefore(scheduled)) {
            return expiresAt.minus(rotateBeforeExpiry);
        }
        return scheduled;
    }

    /** What happens at the destination to a version that is no longer valid. */
    public enum RevokeAtDestination {
        /** Leave it (consumers reading an older version explicitly still can; it no longer verifies). */
        KEEP,
        /** Soft-delete it (Vault: recoverable by an operator with {@code undelete}). */
        SOFT_DELETE,
        /** Destroy it (Vault: the material is gone for good). */
        DESTROY
    }

    /** When the old version is revoked after a rotation. */
    public enum RevokeOldWhen {
        /** When the overlap ends. */
        OVERLAP_ENDS,
        /** As soon as the new version is in use and the old one has been quiet for {@code drainQuiet}; at the latest
         * when the overlap ends. */
        DRAINED
    }
}
