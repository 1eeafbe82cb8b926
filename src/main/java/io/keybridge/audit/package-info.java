/** The audit trail: who did what to which key, and every refused request. */
@NullMarked
package io.keybridge.audit;

import org.jspecify.annotations.NullMarked;
