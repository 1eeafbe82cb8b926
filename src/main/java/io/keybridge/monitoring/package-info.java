/**
 * Watching keys in use: the periodic sweep that raises findings (rotation overdue, expiry ahead, dormant keys), the
 * gauges of how many keys are in which state, and per-key usage baselines that turn odd traffic into findings.
 */
@NullMarked
package io.keybridge.monitoring;

import org.jspecify.annotations.NullMarked;
