package io.keybridge.rotation;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import java.time.Clock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * When a rotation's overlap is half over, says who is still on the old version: an audit entry
 * {@code rotation.stragglers} naming each source (and so the webhook of that name), while there is still time to
 * restart a consumer before the old key dies. Each rotation is checked once, by whichever node takes it first.
 */
@Component
class StragglerCheck {

    private static final Logger log = LoggerFactory.getLogger(StragglerCheck.class);

    /** Rotations checked per sweep at most; the rest wait for the next one. */
    private static final int PER_SWEEP = 500;

    private final Rotations rotations;
    private final RotationPickup pickup;
    private final AuditLog audit;
    private final Clock clock;

    StragglerCheck(Rotations rotations, RotationPickup pickup, AuditLog audit, Clock clock) {
        this.rotations = rotations;
        this.pickup = pickup;
        this.audit = audit;
        this.clock = clock;
    }

    @Scheduled(
            initialDelayString = "${keybridge.rotation.straggler-check-interval:PT30S}",
            fixedDelayString = "${keybridge.rotation.straggler-check-interval:PT30S}")
    void sweep() {
        for (Rotation rotation : rotations.stragglerChecksDue(clock.instant(), PER_SWEEP)) {
            try {
                check(rotation);
            } catch (RuntimeException e) {
                // one rotation's check must not stop the others'; it is not retried (a notice, not a step)
                log.warn("straggler check of rotation {} failed: {}", rotation.id(), e.toString());
            }
        }
    }

    private void check(Rotation rotation) {
        if (!rotations.claimStragglerCheck(rotation.id()) || rotation.afterContainment()) {
            return;
        }
        Pickup seen = pickup.of(rotation).orElse(null);
        if (seen == null || seen.stragglers().isEmpty()) {
            return;
        }
        String sources = seen.stragglers().stream()
                .map(source -> source.source() + " on version " + source.version() + " (last seen "
                        + source.lastSeenAt() + ")")
                .collect(Collectors.joining(", "));
        log.warn(
                "rotation {} of key {}: overlap half over, {} source(s) still on an old version: {}",
                rotation.id(),
                rotation.keyId(),
                seen.stragglers().size(),
                sources);
        audit.record(
                "keybridge",
                "rotation.stragglers",
                rotation.keyId(),
                Outcome.SUCCESS,
                "rotation " + rotation.id() + " to version " + seen.newVersion() + ", overlap until "
                        + rotation.retireAt() + ": " + seen.summary() + " [" + sources + "]");
    }
}
