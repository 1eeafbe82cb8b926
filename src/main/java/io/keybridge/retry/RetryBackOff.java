package io.keybridge.retry;

import java.time.Duration;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The wait before the next attempt after a number of failures in a row: Spring's {@link ExponentialBackOff} (doubling
 * from {@code first} up to {@code longest}, with jitter). keybridge keeps the count of failures in its database, not a
 * running execution, so the sequence is replayed to that step; past a few dozen steps it is at {@code longest}.
 */
public final class RetryBackOff {

    /** Doubling from a second passes any sensible longest wait well before this many steps. */
    private static final int MAX_STEPS = 64;

    private final ExponentialBackOff backOff;

    /**
     * @param jitter the share of each wait that is random, either way (0.2: ±20%, so that retries do not stampede);
     *     0 for none
     */
    public RetryBackOff(Duration first, Duration longest, double jitter) {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("a back-off needs 0 < first <= longest and 0 <= jitter < 1, not " + first
                    + ", " + longest + ", " + jitter);
        }
        this.backOff = new ExponentialBackOff(first.toMillis(), 2.0);
        backOff.setMaxInterval(longest.toMillis());
        backOff.setJitter(Math.round(first.toMillis() * jitter));
        backOff.setMaxAttempts(Long.MAX_VALUE);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
    }

    /** The wait after {@code failures} failures in a row (1 for the first failure). */
    public Duration after(long failures) {
        BackOffExecution execution = backOff.start();
        long wait = execution.nextBackOff();
        for (long step = 1; step < Math.min(failures, MAX_STEPS); step++) {
            wait = execution.nextBackOff();
        }
        return Duration.ofMillis(wait);
    }
}
