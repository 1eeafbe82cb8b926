package io.keybridge.rotation;

import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz's hand on the end of a rotation's overlap: revokes the old version. */
public class OverlapEndJob implements Job {

    private final OverlapEnd overlapEnd;

    public OverlapEndJob(OverlapEnd overlapEnd) {
        this.overlapEnd = overlapEnd;
    }

    @Override
    public void execute(JobExecutionContext context) {
        overlapEnd.endOverlap(UUID.fromString(context.getMergedJobDataMap().getString(RotationScheduler.ROTATION_ID)));
    }
}
