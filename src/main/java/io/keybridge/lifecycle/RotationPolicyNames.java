package io.keybridge.lifecycle;

/** Which rotation policies exist, for validating requests (implemented by the rotation module). */
public interface RotationPolicyNames {

    boolean exists(String name);
}
