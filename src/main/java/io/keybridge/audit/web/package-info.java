/** The audit trail over HTTP: {@code GET /api/v1/audit}. */
@NullMarked
package io.keybridge.audit.web;

import org.jspecify.annotations.NullMarked;
