/** The REST API for managing keys: {@code /api/v1/keys} and {@code /api/v1/scopes}. */
@NullMarked
package io.keybridge.lifecycle.web;

import org.jspecify.annotations.NullMarked;
