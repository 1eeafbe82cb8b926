package io.keybridge.rotation;

import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz's hand on a drain check: is the new version in use and the old one quiet? */
public class DrainCheckJob implements Job {

    private final OverlapEnd overlapEnd;

    public DrainCheckJob(OverlapEnd overlapEnd) {
        this.overlapEnd = overlapEnd;
    }

    @Override
    public void execute(JobExecutionContext context) {
        overlapEnd.checkDrained(
                UUID.fromString(context.getMergedJobDataMap().getString(RotationScheduler.ROTATION_ID)));
    }
}
