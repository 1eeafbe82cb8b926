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
 */
@ConfigurationProperties("keybridge.rotation.wave")
record RotationWaveProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue("PT0S") Duration linger) {

    static final int MAX_BATCH_SIZE = 10_000;
    static final Duration MAX_LINGER = Duration.ofSeconds(1);

    RotationWaveProperties {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("keybridge.rotation.wave.batch-size must be between 1 and "
                    + MAX_BATCH_SIZE + ", not " + batchSize);
        }
        if (linger.isNegative() || linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException(
                    "keybridge.rotation.wave.linger must be between 0 and " + MAX_LINGER + ", not " + linger);
        }
    }
}
