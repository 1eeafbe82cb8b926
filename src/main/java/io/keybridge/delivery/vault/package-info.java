/** Delivery into HashiCorp Vault (or OpenBao) KV version 2. */
@NullMarked
package io.keybridge.delivery.vault;

import org.jspecify.annotations.NullMarked;
