package io.keybridge.delivery;

import java.util.UUID;

/**
 * Published synchronously, on the working thread, each time a delivery or rotation has committed a step and before it
 * makes its next external call. keybridge itself does not listen: the event exists so that the crash tests can stop a
 * process at an exact point (and kill it there), and so that tracing can follow a rotation step by step.
 *
 * @param versionId the version being delivered (for the revocation steps: the version that replaced the revoked ones)
 */
public record StepReached(UUID keyId, UUID versionId, int version, Step step) {

    /** The steps, in the order a rotation takes them. */
    public enum Step {
        /**
         * An emergency rotation revoked every version of the key (the event names the newest); nothing is re-issued
         * yet.
         */
        CONTAINED,
        /** The new version is recorded {@code PENDING}; nothing is written yet. */
        VERSION_RECORDED,
        /**
         * The write at one destination is planned and recorded (with the destination version it will create), not yet
         * made.
         */
        WRITE_PLANNED,
        /** The version is written at one destination, not yet confirmed there. */
        WRITTEN,
        /** The version is confirmed at one destination. */
        CONFIRMED,
        /** The new version is {@code ACTIVE}, the older ones {@code RETIRING}: the overlap runs. */
        ACTIVATED,
        /** The overlap ended: the older versions are revoked, their removal at the destinations is outstanding. */
        OLD_VERSIONS_REVOKED,
        /** The older versions are handled at the destinations per policy: the rotation is complete. */
        COMPLETED
    }
}
