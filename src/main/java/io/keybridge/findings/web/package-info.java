/** {@code /api/v1/findings}: list, read, acknowledge and resolve findings. */
@NullMarked
package io.keybridge.findings.web;

import org.jspecify.annotations.NullMarked;
