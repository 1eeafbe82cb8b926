package io.keybridge.audit;

/** How an audited action ended. */
public enum Outcome {
    SUCCESS,
    FAILURE,
    REFUSED
}
