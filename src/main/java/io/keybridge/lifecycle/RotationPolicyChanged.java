package io.keybridge.lifecycle;

import java.util.UUID;

/** A key moved to another rotation policy; its next rotation must be planned anew. */
public record RotationPolicyChanged(UUID keyId, String rotationPolicy) {}
