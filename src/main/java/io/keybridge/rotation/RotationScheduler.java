package io.keybridge.rotation;

import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyVersions;
import io.keybridge.lifecycle.KeyIssued;
import io.keybridge.lifecycle.KeyRevoked;
import io.keybridge.lifecycle.RotationPolicyChanged;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the ends of overlaps and the drain checks into Quartz's persistent JDBC job store, so they survive restarts:
 * one overlap-end trigger per batch of rotations whose overlaps end at the same instant, and each drain-gated rotation
 * its own drain check. A trigger missed while keybridge was down fires once, right after start.
 *
 * <p>The next rotation of a key has no trigger of its own: it is the key's {@code next_rotation_at}, and
 * {@link DueRotations} finds the keys due through that column's index. An earlier release planted a trigger per key
 * ({@link ScheduledRotationJob}); those still fire, and find the rotation done or do it.
 */
@Component
public class RotationScheduler {

    static final String KEY_ID = "keyId";
    static final String ROTATION_ID = "rotationId";
    static final String ROTATION_IDS = "rotationIds";

    private final Scheduler scheduler;
    private final RotationPolicies policies;
    private final ApiKeys keys;
    private final KeyVersions versions;
    private final TransactionTemplate transactions;

    RotationScheduler(
            Scheduler scheduler,
            RotationPolicies policies,
            ApiKeys keys,
            KeyVersions versions,
            TransactionTemplate transactions) {
        this.versions = versions;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.policies = policies;
        this.keys = keys;
    }

    /** A newly issued key: plan its first rotation. */
    @EventListener
    void issued(KeyIssued event) {
        Instant next = policies.get(event.rotationPolicy()).nextRotation(event.issuedAt(), event.versionExpiresAt());
        keys.rotationPlanned(event.keyId(), next, null);
    }

    /** A key moved to another policy: plan its next rotation from when its current version was issued. */
    @EventListener
    void policyChanged(RotationPolicyChanged event) {
        io.keybridge.keys.KeyVersion current = versions.currentOf(event.keyId());
        if (current == null) {
            return;
        }
        Instant keyExpiry = keys.find(event.keyId())
                .map(io.keybridge.keys.ApiKey::expiresAt)
                .orElse(null);
        Instant versionExpiry =
                current.expiresAt() != null && !current.expiresAt().equals(keyExpiry)
                        ? current.expiresAt()
                        : null; // capped by the key's own expiry, which no rotation can extend
        Instant next = policies.get(event.rotationPolicy()).nextRotation(current.createdAt(), versionExpiry);
        keys.rotationPlanned(event.keyId(), next, null);
    }

    /** A revoked key rotates no more (a trigger an earlier release planted for it finds it revoked and does nothing). */
    @EventListener
    void revoked(KeyRevoked event) {
        keys.rotationPlanned(event.keyId(), null, null);
    }

    /**
     * Schedules the end of the overlaps of rotations activated together and ending at the same instant: one trigger,
     * whose job ends each in turn ({@link OverlapEndsJob}).
     */
    public void scheduleOverlapEnds(Instant at, List<UUID> rotationIds) {
        if (rotationIds.size() == 1) {
            scheduleOverlapEnd(rotationIds.getFirst(), at);
            return;
        }
        JobDetail job = JobBuilder.newJob(OverlapEndsJob.class)
                .withIdentity("overlap-ends-" + rotationIds.getFirst(), "rotation")
                .usingJobData(
                        ROTATION_IDS,
                        String.join(
                                ",", rotationIds.stream().map(UUID::toString).toList()))
                .requestRecovery()
                .build();
        schedule(job, at);
    }

    /** Schedules the end of a rotation's overlap. */
    public void scheduleOverlapEnd(UUID rotationId, Instant at) {
        JobDetail job = JobBuilder.newJob(OverlapEndJob.class)
                .withIdentity("overlap-end-" + rotationId, "rotation")
                .usingJobData(ROTATION_ID, rotationId.toString())
                .requestRecovery()
                .build();
        schedule(job, at);
    }

    /** Schedules a drain check of a rotation in its overlap (policies with {@code revokeOldWhen: drained}). */
    public void scheduleDrainCheck(UUID rotationId, Instant at) {
        JobDetail job = JobBuilder.newJob(DrainCheckJob.class)
                .withIdentity("drain-check-" + rotationId, "rotation")
                .usingJobData(ROTATION_ID, rotationId.toString())
                .requestRecovery()
                .build();
        schedule(job, at);
    }

    private void schedule(JobDetail job, Instant at) {
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(job.getKey().getName(), job.getKey().getGroup())
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        // in a transaction (the caller's, if any): Quartz's lock then orders storing the job and its trigger with the
        // trigger's own firing. Outside one, each statement commits alone, and a job that fired and completed meanwhile
        // (deleting itself) left the trigger to store failing on its foreign key: found by the mixed-workload crash
        // test
        transactions.executeWithoutResult(status -> {
            try {
                scheduler.scheduleJob(job, Set.of(trigger), true);
            } catch (SchedulerException e) {
                throw new IllegalStateException("could not schedule " + job.getKey() + " at " + at, e);
            }
        });
    }
}
