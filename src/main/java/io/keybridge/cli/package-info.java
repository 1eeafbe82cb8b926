/**
 * The {@code keybridge} command line: the REST API for people at a terminal and for scripts. Human-readable tables by
 * default, {@code --json} for scripts, and exit codes a script can branch on ({@link ExitCodes}). It runs from the
 * same jar without starting the server: {@code java -jar keybridge.jar cli …}, or {@code scripts/keybridge …}.
 */
@NullMarked
package io.keybridge.cli;

import org.jspecify.annotations.NullMarked;
