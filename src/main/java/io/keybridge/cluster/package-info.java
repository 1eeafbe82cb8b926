/**
 * Several keybridge nodes on one PostgreSQL: which node is alive (Quartz's cluster check-ins), and the feed through
 * which each node's verification index learns what the others changed.
 */
@NullMarked
package io.keybridge.cluster;

import org.jspecify.annotations.NullMarked;
