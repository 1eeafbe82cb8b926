package io.keybridge.lifecycle.web;

/** Shapes of the free-text fields people fill in. */
public final class Patterns {

    /** Letters and digits first; then also space . _ - : ( ) / — e.g. "prod_crm_sync_revops", "GTM Dialer Production". */
    public static final String NAME = "[\\p{L}\\p{N}][\\p{L}\\p{N} ._:()/-]*";

    public static final String NAME_MESSAGE =
            "must start with a letter or digit and contain only letters, digits, spaces and . _ - : ( ) /";
    /** A team or service name, or an e-mail address. */
    public static final String OWNER = "[A-Za-z0-9][A-Za-z0-9._@+-]*";

    public static final String OWNER_MESSAGE =
            "must start with a letter or digit and contain only letters, digits and . _ @ + -";
    /** Any printable text without control characters. */
    public static final String TEXT = "[^\\p{Cntrl}]*";

    public static final String TEXT_MESSAGE = "must not contain control characters";

    private Patterns() {}
}
