/** {@code GET /api/v1/findings}. */
@NullMarked
package io.keybridge.findings.web;

import org.jspecify.annotations.NullMarked;
