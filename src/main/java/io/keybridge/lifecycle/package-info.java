/** A key's life: issuing it into its destinations, renaming, revoking, and reading it back. */
@NullMarked
package io.keybridge.lifecycle;

import org.jspecify.annotations.NullMarked;
