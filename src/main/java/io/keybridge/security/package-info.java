/** Who may call keybridge: bearer tokens, configured as SHA-256 hashes, each with roles. */
@NullMarked
package io.keybridge.security;

import org.jspecify.annotations.NullMarked;
