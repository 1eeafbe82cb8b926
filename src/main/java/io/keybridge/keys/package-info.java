/** API keys: their format, the secret material, and how keys and their versions are stored. */
@NullMarked
package io.keybridge.keys;

import org.jspecify.annotations.NullMarked;
