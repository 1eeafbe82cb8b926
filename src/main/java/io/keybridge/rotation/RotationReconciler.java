package io.keybridge.rotation;

import io.keybridge.keys.ApiKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Drives rotations stuck in an intermediate state to their correct end, whatever stranded them (a lost trigger, a
 * crash between two steps): an overlap whose end passed more than {@code keybridge.rotation.stuck-after} ago is ended;
 * a delivery running that long is settled as interrupted; a key an emergency rotation contained that long ago without
 * delivering a new version gets one. Runs every minute as a Quartz job, so one node of a cluster
 * runs it at a time.
 */
@Component
public class RotationReconciler implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RotationReconciler.class);
    private static final String SWEEP = "reconciler";

    private final Rotations rotations;
    private final ApiKeys keys;
    private final UnfinishedRotations unfinished;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration stuckAfter;

    RotationReconciler(
            Rotations rotations,
            ApiKeys keys,
            UnfinishedRotations unfinished,
            Scheduler scheduler,
            Clock clock,
            @Value("${keybridge.rotation.stuck-after:PT10M}") Duration stuckAfter) {
        this.rotations = rotations;
        this.keys = keys;
        this.unfinished = unfinished;
        this.scheduler = scheduler;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
    }

    /** Settles what is stuck now, each rotation in its own try: one that cannot be settled holds up no other. */
    public int reconcile() {
        Instant cutoff = clock.instant().minus(stuckAfter);
        int settled = 0;
        for (Rotation rotation : rotations.overlapEndedBy(cutoff)) {
            log.warn(
                    "rotation {} of key {}: overlap ended at {} but the rotation is not complete; ending it",
                    rotation.id(),
                    rotation.keyId(),
                    rotation.retireAt());
            if (unfinished.settle(SWEEP, rotation)) {
                settled++;
            }
        }
        for (UUID keyId : keys.containedWithoutSuccessor(cutoff)) {
            // a node died between containment and re-issuing
            if (unfinished.settleContained(SWEEP, keyId)) {
                settled++;
            }
        }
        for (Rotation rotation : rotations.delivering()) {
            if (rotation.startedAt().isBefore(cutoff)) {
                log.warn(
                        "rotation {} of key {} has been delivering since {}; settling it as interrupted",
                        rotation.id(),
                        rotation.keyId(),
                        rotation.startedAt());
                if (unfinished.settle(SWEEP, rotation)) {
                    settled++;
                }
            }
        }
        return settled;
    }

    /** Registers the recurring job once (Quartz keeps it in the job store). */
    @Override
    public void run(ApplicationArguments args) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(ReconcileJob.class)
                .withIdentity("reconcile", "rotation")
                .storeDurably()
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity("reconcile", "rotation")
                .withSchedule(SimpleScheduleBuilder.repeatMinutelyForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
    }

    /** Quartz's hand on the reconciler. */
    @DisallowConcurrentExecution
    public static class ReconcileJob implements Job {

        private final RotationReconciler reconciler;

        public ReconcileJob(RotationReconciler reconciler) {
            this.reconciler = reconciler;
        }

        @Override
        public void execute(JobExecutionContext context) {
            int settled = reconciler.reconcile();
            if (settled > 0) {
                log.warn("reconciler settled {} stuck rotations", settled);
            }
        }
    }
}
