package io.keybridge.findings;

/** Published, on the raising thread, after a new finding is committed. */
public record FindingRaised(Finding finding) {}
