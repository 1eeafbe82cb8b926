package io.keybridge.rotation;

import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The one rule for what a sweep finds unfinished, whichever sweep finds it (recovery at start, the reconciler, the
 * cluster's orphan check): each sweep only chooses which rows it may touch. A delivery that nobody is running any more
 * is settled as interrupted (confirmed if every destination holds the new version, else failed and retried); a
 * rotation past its overlap, or left revoking, is ended; a key that an emergency rotation contained without delivering
 * its successor is re-issued. Each in its own try ({@link Settling}).
 */
@Component
class UnfinishedRotations {

    private final RotationRunner runner;
    private final OverlapEnd overlapEnd;
    private final Containment containment;
    private final Settling settling;

    UnfinishedRotations(RotationRunner runner, OverlapEnd overlapEnd, Containment containment, Settling settling) {
        this.runner = runner;
        this.overlapEnd = overlapEnd;
        this.containment = containment;
        this.settling = settling;
    }

    /**
     * Settles one rotation as its state says.
     *
     * @return whether it was settled (false if it could not be, or is finished already)
     */
    boolean settle(String sweep, Rotation rotation) {
        Runnable step = switch (rotation.state()) {
            case DELIVERING -> () -> runner.recoverInterrupted(rotation);
            case OVERLAP, REVOKING -> () -> overlapEnd.endOverlap(rotation.id());
            case COMPLETED, FAILED -> null;
        };
        return step != null && settling.settle(sweep, rotation.id(), rotation.keyId(), step);
    }

    /** Re-issues a key contained without a successor. */
    boolean settleContained(String sweep, UUID keyId) {
        return settling.settle(sweep, null, keyId, () -> containment.reissueContained(keyId));
    }
}
