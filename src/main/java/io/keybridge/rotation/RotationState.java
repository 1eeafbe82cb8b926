package io.keybridge.rotation;

import java.util.EnumSet;
import java.util.Set;

/** Where a rotation is. Each state is committed before the next external call. */
public enum RotationState {
    /** The new version is recorded and being delivered; the old one still verifies. */
    DELIVERING,
    /** The new version is confirmed everywhere and {@code ACTIVE}; the old one verifies until the overlap ends. */
    OVERLAP,
    /** The overlap ended and the old versions are revoked; their handling at the destinations is outstanding. */
    REVOKING,
    /** The old versions are revoked and handled at the destinations per policy; done. */
    COMPLETED,
    /** Delivery failed; the old version still verifies and a retry is scheduled. */
    FAILED;

    /**
     * The states a rotation in this one may move to, and the only moves {@link Rotations} makes: each is one UPDATE
     * guarded by the state it starts from, so that of two nodes (or a job and a sweep) only one makes it. An overlap
     * ends in {@code COMPLETED} at once when containment revoked every version of the key.
     */
    public Set<RotationState> next() {
        return switch (this) {
            case DELIVERING -> EnumSet.of(OVERLAP, FAILED);
            case OVERLAP -> EnumSet.of(REVOKING, COMPLETED);
            case REVOKING -> EnumSet.of(COMPLETED);
            case COMPLETED, FAILED -> EnumSet.noneOf(RotationState.class);
        };
    }

    /** Whether the rotation is over: nothing moves it any more (a failed one is retried as a new rotation). */
    public boolean finished() {
        return next().isEmpty();
    }

    /**
     * The move from this state to {@code to}.
     *
     * @throws IllegalStateException if the table above has no such move: a bug, never a race (races lose the guard)
     */
    RotationState to(RotationState to) {
        if (!next().contains(to)) {
            throw new IllegalStateException("a rotation does not move from " + this + " to " + to);
        }
        return to;
    }
}
