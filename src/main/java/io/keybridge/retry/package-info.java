/** How long to wait before trying again: one back-off for rotations and webhooks. */
@NullMarked
package io.keybridge.retry;

import org.jspecify.annotations.NullMarked;
