package io.keybridge.findings;

/** How urgently a finding wants a person, lowest first. */
public enum Severity {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
