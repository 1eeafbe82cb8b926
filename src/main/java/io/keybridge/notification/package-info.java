/**
 * Webhooks: events read from the audit trail (so an event commits with the change it reports, and none is lost to a
 * crash) and delivered to the configured endpoints, signed, retried with backoff, with a delivery log.
 */
@NullMarked
package io.keybridge.notification;

import org.jspecify.annotations.NullMarked;
