package io.keybridge.rotation;

import java.util.UUID;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz's hand on the end of a rotation's overlap: revokes the old version. */
public class OverlapEndJob implements Job {

    private final RotationCoordinator coordinator;

    public OverlapEndJob(RotationCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public void execute(JobExecutionContext context) {
        coordinator.endOverlap(UUID.fromString(context.getMergedJobDataMap().getString(RotationScheduler.ROTATION_ID)));
    }
}
