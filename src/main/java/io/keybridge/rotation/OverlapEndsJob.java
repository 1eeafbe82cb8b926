package io.keybridge.rotation;

import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's hand on the end of the overlaps of a batch of rotations: ends each in turn. Each end is idempotent, so a
 * firing that a crash interrupted and Quartz runs again skips those done; one that fails is logged and left to the
 * reconciler, and never stops its neighbours'.
 */
public class OverlapEndsJob implements Job {

    private static final Logger log = LoggerFactory.getLogger(OverlapEndsJob.class);

    private final OverlapEnd overlapEnd;

    public OverlapEndsJob(OverlapEnd overlapEnd) {
        this.overlapEnd = overlapEnd;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String ids = context.getMergedJobDataMap().getString(RotationScheduler.ROTATION_IDS);
        for (String id : ids.split(",")) {
            UUID rotationId = UUID.fromString(id);
            try {
                overlapEnd.endOverlap(rotationId);
            } catch (RuntimeException e) {
                log.warn(
                        "the overlap of rotation {} could not be ended now; the reconciler will end it", rotationId, e);
            }
        }
    }
}
