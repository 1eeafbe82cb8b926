package io.keybridge.lifecycle;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What issuance needs to know of rotation policies (implemented by the rotation module). */
public interface RotationPolicyLookup {

    boolean exists(String name);

    /** The shortest time the policy leaves between two rotations of a key. */
    Duration shortestInterval(String name);

    /** How long an old version stays valid after a rotation under this policy has delivered the new one. */
    Duration overlap(String name);

    /** How long each version of a key under this policy lives, or null if versions do not expire by policy. */
    @Nullable
    Duration keyLifetime(String name);
}
