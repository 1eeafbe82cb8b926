/** Where keys are delivered: the {@link io.keybridge.destination.SecretDestination} SPI and its registry. */
@NullMarked
package io.keybridge.destination;

import org.jspecify.annotations.NullMarked;
