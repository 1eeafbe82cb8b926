package io.keybridge.lifecycle.web;

/** Shapes of the free-text fields people fill in. */
final class Patterns {

    /** Letters and digits first; then also space . _ - : ( ) / — e.g. "prod_crm_sync_revops", "GTM Dialer Production". */
    static final String NAME = "[\\p{L}\\p{N}][\\p{L}\\p{N} ._:()/-]*";

    static final String NAME_MESSAGE =
            "must start with a letter or digit and contain only letters, digits, spaces and . _ - : ( ) /";
    /** A team or service name, or an e-mail address. */
    static final String OWNER = "[A-Za-z0-9][A-Za-z0-9._@+-]*";

    static final String OWNER_MESSAGE =
            "must start with a letter or digit and contain only letters, digits and . _ @ + -";
    /** Any printable text without control characters. */
    static final String TEXT = "[^\\p{Cntrl}]*";

    static final String TEXT_MESSAGE = "must not contain control characters";

    private Patterns() {}
}
