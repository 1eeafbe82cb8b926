package io.keybridge.rotation;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * In a cluster, settles the rotations that a node which died left in an in-flight step. A Quartz job so that, however
 * many nodes there are, one sweep runs at a time.
 */
@DisallowConcurrentExecution
public class OrphanedRotationsJob implements Job {

    private final RotationRecovery recovery;

    public OrphanedRotationsJob(RotationRecovery recovery) {
        this.recovery = recovery;
    }

    @Override
    public void execute(JobExecutionContext context) {
        recovery.settleOrphans();
    }
}
