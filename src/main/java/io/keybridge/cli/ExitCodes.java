package io.keybridge.cli;

/** What a script can rely on. Listed in {@code keybridge --help} and the README. */
final class ExitCodes {

    static final int OK = 0;
    /** keybridge answered with an error not listed below. */
    static final int FAILED = 1;
    /** Bad command line, or keybridge refused the input (400). */
    static final int BAD_INPUT = 2;
    /** No token, an unknown token, or a token whose roles do not allow this (401, 403). */
    static final int NOT_ALLOWED = 3;
    /** No such key or run (404). */
    static final int NOT_FOUND = 4;
    /** In conflict with the key's state: a name in use, a rotation already running, a key not active (409). */
    static final int CONFLICT = 5;
    /** A destination failed (502), or an incident run finished with keys that could not be re-delivered. */
    static final int DELIVERY_FAILED = 6;
    /** keybridge could not be reached. */
    static final int UNREACHABLE = 7;
    /** {@code audit verify}: the audit trail's hash chain is broken. */
    static final int AUDIT_CHAIN_BROKEN = 8;

    static final String HELP = "Exit codes: 0 done; 1 other error; 2 bad input; 3 not signed in or not allowed;"
            + " 4 not found; 5 conflict (name in use, rotation running, key not active); 6 a destination failed (or an"
            + " incident run left keys undelivered); 7 keybridge unreachable; 8 the audit trail's hash chain is broken"
            + " (audit verify).";

    private ExitCodes() {}

    static int forStatus(int status) {
        return switch (status) {
            case 400, 413, 415, 422 -> BAD_INPUT;
            case 401, 403 -> NOT_ALLOWED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 502, 504 -> DELIVERY_FAILED;
            default -> FAILED;
        };
    }
}
