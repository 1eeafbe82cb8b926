/** keybridge: API keys delivered straight into secret stores, never seen by a human. */
@NullMarked
package io.keybridge;

import org.jspecify.annotations.NullMarked;
