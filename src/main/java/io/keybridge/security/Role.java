package io.keybridge.security;

/** What a token may do. */
public enum Role {
    /** Everything. */
    ADMIN,
    /** Read keys and the audit trail, revoke keys (and, later, emergency rotation). */
    RESPONDER,
    /** Read keys and the audit trail. */
    AUDITOR,
    /** Only {@code /verify}: the gateway. */
    VERIFIER
}
