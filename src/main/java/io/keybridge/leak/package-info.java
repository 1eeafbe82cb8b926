/**
 * Leak reports: a secret scanner (GitHub's secret-scanning partner program, or your own) reports tokens it found in
 * public; each one keybridge issued is contained at once.
 */
@NullMarked
package io.keybridge.leak;

import org.jspecify.annotations.NullMarked;
