/**
 * Delivery: the {@link io.keybridge.destination.SecretDestination} SPI and its registry, the adapters ({@code vault},
 * {@code aws}), and the write-ahead delivery of a key version to its destinations and its removal from them
 * ({@link io.keybridge.destination.VersionDelivery}, {@link io.keybridge.destination.DeliveredVersions}) that issuance
 * and rotation share.
 */
@NullMarked
package io.keybridge.destination;

import org.jspecify.annotations.NullMarked;
