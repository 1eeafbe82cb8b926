package io.keybridge.cli;

import org.jspecify.annotations.Nullable;

/** Small things every command needs. */
final class Cli {

    private Cli() {}

    /** The root command, which picocli injects into every subcommand before it runs. */
    static KeybridgeCli root(@Nullable KeybridgeCli root) {
        if (root == null) {
            throw new IllegalStateException("picocli injects the parent command");
        }
        return root;
    }
}
