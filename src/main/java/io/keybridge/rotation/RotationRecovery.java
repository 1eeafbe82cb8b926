package io.keybridge.rotation;

import io.keybridge.cluster.ClusterNode;
import io.keybridge.cluster.ClusterProperties;
import io.keybridge.keys.ApiKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * At start, finishes what a stopped process (a crash, a {@code kill -9}) left between two steps: rotations left
 * delivering are confirmed and activated if every destination holds the new version, settled as failed and retried at
 * once otherwise (see {@link RotationRunner#recoverInterrupted}); rotations whose old versions were revoked but
 * not yet handled at the destinations are finished. An emergency rotation stopped between containment and re-issuing
 * gets its new version. An overlap's end needs nothing: its trigger was committed with the activation it follows
 * from, and fires once after start if it fell due meanwhile.
 */
@Component
class RotationRecovery implements ApplicationRunner {

    static final JobKey ORPHAN_SWEEP = JobKey.jobKey("orphaned-rotations", "cluster");

    private static final Logger log = LoggerFactory.getLogger(RotationRecovery.class);
    private static final String START = "start-up recovery";

    private final Rotations rotations;
    private final ApiKeys keys;
    private final UnfinishedRotations unfinished;
    private final ClusterNode node;
    private final Scheduler quartz;
    private final ClusterProperties cluster;
    /**
     * Before Quartz and the web server start. Quartz starts before this runner and fires what was missed while
     * keybridge was down, so a rotation started since is this process's own, alive, and not to be settled.
     */
    private final Instant processStart;

    RotationRecovery(
            Rotations rotations,
            ApiKeys keys,
            UnfinishedRotations unfinished,
            ClusterNode node,
            Scheduler quartz,
            ClusterProperties cluster,
            Clock clock) {
        this.rotations = rotations;
        this.keys = keys;
        this.unfinished = unfinished;
        this.node = node;
        this.quartz = quartz;
        this.cluster = cluster;
        this.processStart = clock.instant();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (node.clustered()) {
            // other nodes may be running rotations right now: only the sweep, one node at a time, settles any
            scheduleOrphanSweep();
            return;
        }
        for (Rotation rotation : rotations.delivering()) {
            if (!rotation.startedAt().isBefore(processStart)) {
                continue;
            }
            log.warn(
                    "rotation {} of key {} was interrupted while delivering; settling it",
                    rotation.id(),
                    rotation.keyId());
            unfinished.settle(START, rotation);
        }
        for (UUID keyId : keys.containedWithoutSuccessor(processStart)) {
            unfinished.settleContained(START, keyId);
        }
        for (Rotation rotation : rotations.overlapping()) {
            if (rotation.state() == RotationState.REVOKING) {
                log.warn(
                        "rotation {} of key {} was interrupted after revoking the old versions; finishing it",
                        rotation.id(),
                        rotation.keyId());
                unfinished.settle(START, rotation);
            }
        }
    }

    /**
     * Settles the rotations that nodes no longer alive left in an in-flight step: delivering ones are confirmed or
     * failed and retried (see {@link RotationRunner#recoverInterrupted}), revoking ones are finished. A node's
     * own process restarts under a new instance id, so its former rotations are settled the same way.
     */
    void settleOrphans() {
        for (Rotation rotation : rotations.inFlightOnOtherNodes(node.alive())) {
            log.warn(
                    "rotation {} of key {} was left {} by a node that stopped; settling it",
                    rotation.id(),
                    rotation.keyId(),
                    rotation.state());
            unfinished.settle("orphan check", rotation);
        }
        // an overlap's end trigger is committed with the activation, in the job store every node reads: none to
        // re-plant
    }

    private void scheduleOrphanSweep() {
        JobDetail job = JobBuilder.newJob(OrphanedRotationsJob.class)
                .withIdentity(ORPHAN_SWEEP)
                .storeDurably()
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(ORPHAN_SWEEP.getName(), ORPHAN_SWEEP.getGroup())
                .startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(
                                cluster.orphanCheckInterval().toMillis())
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        try {
            // every node asks; the job store keeps one
            quartz.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not schedule the sweep for orphaned rotations", e);
        }
    }
}
