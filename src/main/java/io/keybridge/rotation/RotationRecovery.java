package io.keybridge.rotation;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start, finishes what a stopped process (a crash, a {@code kill -9}) left between two steps: rotations left
 * delivering are confirmed and activated if every destination holds the new version, settled as failed and retried at
 * once otherwise (see {@link RotationCoordinator#recoverInterrupted}); rotations whose old versions were revoked but
 * not yet handled at the destinations are finished; and every overlap in progress gets its end trigger again, in case
 * the process stopped between activating a version and scheduling the end of its overlap.
 */
@Component
class RotationRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RotationRecovery.class);

    private final Rotations rotations;
    private final RotationCoordinator coordinator;
    private final RotationScheduler scheduler;
    /**
     * Before Quartz and the web server start. Quartz starts before this runner and fires what was missed while
     * keybridge was down, so a rotation started since is this process's own, alive, and not to be settled.
     */
    private final Instant processStart;

    RotationRecovery(Rotations rotations, RotationCoordinator coordinator, RotationScheduler scheduler, Clock clock) {
        this.rotations = rotations;
        this.coordinator = coordinator;
        this.scheduler = scheduler;
        this.processStart = clock.instant();
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Rotation rotation : rotations.delivering()) {
            if (!rotation.startedAt().isBefore(processStart)) {
                continue;
            }
            log.warn(
                    "rotation {} of key {} was interrupted while delivering; settling it",
                    rotation.id(),
                    rotation.keyId());
            coordinator.recoverInterrupted(rotation);
        }
        for (Rotation rotation : rotations.overlapping()) {
            if (rotation.state() == RotationState.REVOKING) {
                log.warn(
                        "rotation {} of key {} was interrupted after revoking the old versions; finishing it",
                        rotation.id(),
                        rotation.keyId());
                coordinator.endOverlap(rotation.id());
            } else if (rotation.retireAt() != null) {
                scheduler.scheduleOverlapEnd(rotation.id(), rotation.retireAt());
            }
        }
    }
}
