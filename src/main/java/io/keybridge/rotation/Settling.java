package io.keybridge.rotation;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Runs each item of a sweep in its own try, so that one row that cannot be settled (a key naming a policy that was
 * removed, a value no step can use) never stops start-up, the reconciler or the other rotations behind it. A failure
 * is logged once per item with its id and stack trace, announced as {@link RotationUnsettled} (which raises a finding),
 * and then only counted at debug level each time the sweep meets it again.
 */
@Component
class Settling {

    private static final Logger log = LoggerFactory.getLogger(Settling.class);

    private final ApplicationEventPublisher events;
    private final Set<UUID> reported = ConcurrentHashMap.newKeySet();

    Settling(ApplicationEventPublisher events) {
        this.events = events;
    }

    /**
     * Runs {@code step} for one rotation (or, with a null id, one contained key).
     *
     * @return whether it completed
     */
    boolean settle(String sweep, @Nullable UUID rotationId, UUID keyId, Runnable step) {
        try {
            step.run();
            if (rotationId != null) {
                reported.remove(rotationId);
            }
            return true;
        } catch (RuntimeException e) {
            UUID item = rotationId != null ? rotationId : keyId;
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (reported.add(item)) {
                log.error(
                        "{}: could not settle rotation {} of key {}; going on with the others: {}",
                        sweep,
                        rotationId,
                        keyId,
                        error,
                        e);
                try {
                    events.publishEvent(new RotationUnsettled(rotationId, keyId, sweep, error));
                } catch (RuntimeException announcing) {
                    log.error("{}: could not announce the unsettled rotation {}", sweep, rotationId, announcing);
                }
            } else {
                log.debug("{}: rotation {} of key {} still cannot be settled: {}", sweep, rotationId, keyId, error);
            }
            return false;
        }
    }
}
