/**
 * Delivery: the {@link io.keybridge.delivery.SecretDestination} SPI and its registry, the adapters ({@code vault},
 * {@code aws}), and the write-ahead delivery of a key version to its destinations and its removal from them
 * ({@link io.keybridge.delivery.VersionDelivery}, {@link io.keybridge.delivery.DeliveredVersions}) that issuance
 * and rotation share.
 */
@NullMarked
package io.keybridge.delivery;

import org.jspecify.annotations.NullMarked;
