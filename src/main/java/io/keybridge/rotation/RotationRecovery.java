package io.keybridge.rotation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** At start, settles rotations that a stopped process left delivering (see {@link RotationCoordinator}). */
@Component
class RotationRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RotationRecovery.class);

    private final Rotations rotations;
    private final RotationCoordinator coordinator;

    RotationRecovery(Rotations rotations, RotationCoordinator coordinator) {
        this.rotations = rotations;
        this.coordinator = coordinator;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Rotation rotation : rotations.delivering()) {
            log.warn(
                    "rotation {} of key {} was interrupted while delivering; settling it",
                    rotation.id(),
                    rotation.keyId());
            coordinator.recoverInterrupted(rotation);
        }
    }
}
