package io.keybridge.rotation;

import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz's hand on a key's scheduled or expiry-driven rotation: the truth lives in keybridge's tables. */
public class ScheduledRotationJob implements Job {

    private final RotationCoordinator coordinator;

    public ScheduledRotationJob(RotationCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public void execute(JobExecutionContext context) {
        coordinator.rotateWhenDue(UUID.fromString(context.getMergedJobDataMap().getString(RotationScheduler.KEY_ID)));
    }
}
