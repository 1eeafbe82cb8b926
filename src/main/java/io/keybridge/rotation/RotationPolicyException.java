package io.keybridge.rotation;

/** A rotation policy file breaks a rule; start-up stops with this message. */
class RotationPolicyException extends RuntimeException {

    public RotationPolicyException(String file, String field, String rule) {
        super("rotation policy " + file + ": " + field + " " + rule);
    }
}
