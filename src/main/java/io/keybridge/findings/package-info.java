/**
 * Findings: what keybridge noticed about a key's use or health (a leak report, an old version still in use, a dormant
 * key, a rotation overdue, an expiry ahead), each with its evidence, in the API and the audit trail.
 */
@NullMarked
package io.keybridge.findings;

import org.jspecify.annotations.NullMarked;
