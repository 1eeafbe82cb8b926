/** {@code GET /api/v1/webhooks/deliveries}: the delivery log. */
@NullMarked
package io.keybridge.notification.web;

import org.jspecify.annotations.NullMarked;
