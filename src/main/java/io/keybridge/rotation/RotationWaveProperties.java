package io.keybridge.rotation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How rotations are gathered into batches ({@link RotationWave}).
 *
 * @param batchSize the most rotations one batch records, delivers and activates together
 * @param linger how long a batch waits for more rotations once it has one. None by default: while two batches are
 *     under way the rotations asked for meanwhile wait in the queue and make the next batch, so a batch is as large as
 *     the load makes it, and a lone operator's rotation does not wait at all (4 clients rotating by hand: 147/s with
 *     none, 128/s with 5 ms)
 * @param dueCheckInterval how often the keys whose rotation is due are looked up ({@link DueRotations}): the most a
 *     scheduled rotation waits after its time, when the wave is not busy
 */
@ConfigurationProperties("keybridge.rotation.wave")
record RotationWaveProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue("PT0S") Duration linger,
        @DefaultValue("PT0.5S") Duration dueCheckInterval) {

    static final int MAX_BATCH_SIZE = 10_000;
    static final Duration MAX_LINGER = Duration.ofSeconds(1);
    static final Duration MIN_DUE_CHECK_INTERVAL = Duration.ofMillis(50);
    static final Duration MAX_DUE_CHECK_INTERVAL = Duration.ofMinutes(1);

    RotationWaveProperties {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("keybridge.rotation.wave.batch-size must be between 1 and "
                    + MAX_BATCH_SIZE + ", not " + batchSize);
        }
        if (linger.isNegative() || linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException(
                    "keybridge.rotation.wave.linger must be between 0 and " + MAX_LINGER + ", not " + linger);
        }
        if (dueCheckInterval.compareTo(MIN_DUE_CHECK_INTERVAL) < 0
                || dueCheckInterval.compareTo(MAX_DUE_CHECK_INTERVAL) > 0) {
            throw new IllegalArgumentException("keybridge.rotation.wave.due-check-interval must be between "
                    + MIN_DUE_CHECK_INTERVAL + " and " + MAX_DUE_CHECK_INTERVAL + ", not " + dueCheckInterval);
        }
    }
}
