package io.keybridge.leak;

/** What keybridge made of one reported token; the reporter learns this and nothing more about the key. */
public enum LeakVerdict {
    /** A live key of ours: contained now (per {@code keybridge.leak-reports.response}). */
    LIVE_KEY_CONTAINED,
    /** A key of ours that no longer verifies: nothing to do. */
    ALREADY_REVOKED,
    /** Not a key keybridge issued. */
    UNKNOWN
}
