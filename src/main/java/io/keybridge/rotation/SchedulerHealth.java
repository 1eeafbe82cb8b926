package io.keybridge.rotation;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SchedulerMetaData;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code scheduler} in {@code /actuator/health}: whether this node's Quartz scheduler runs rotations, with its
 * instance id and cluster membership. Down when it is in standby or shut down: keys would stop rotating on this node.
 */
@Component("schedulerHealthIndicator")
class SchedulerHealth implements HealthIndicator {

    private final Scheduler scheduler;

    SchedulerHealth(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Health health() {
        try {
            SchedulerMetaData meta = scheduler.getMetaData();
            Health.Builder health =
                    meta.isStarted() && !meta.isInStandbyMode() && !meta.isShutdown() ? Health.up() : Health.down();
            return health.withDetail("instanceId", meta.getSchedulerInstanceId())
                    .withDetail("clustered", meta.isJobStoreClustered())
                    .withDetail("persistent", meta.isJobStoreSupportsPersistence())
                    .withDetail("started", meta.isStarted())
                    .withDetail("standby", meta.isInStandbyMode())
                    .withDetail(
                            "runningJobs", scheduler.getCurrentlyExecutingJobs().size())
                    .withDetail("jobsExecuted", meta.getNumberOfJobsExecuted())
                    .build();
        } catch (SchedulerException e) {
            return Health.down()
                    .withDetail("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}
