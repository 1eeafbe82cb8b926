package io.keybridge.rotation;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A sweep (start-up recovery, the reconciler, the cluster's orphan check) could not bring a rotation, or a key an
 * emergency contained, to its end: the sweep went on with the others, and a person has to look at this one.
 *
 * @param rotationId the rotation, or null when a contained key could not be given its new version
 * @param error what went wrong (never key material: only exception types and keybridge's own messages)
 */
record RotationUnsettled(@Nullable UUID rotationId, UUID keyId, String sweep, String error) {}
