/** Answers the gateway: is this key valid for these scopes? From memory, without a database query per request. */
@NullMarked
package io.keybridge.verification;

import org.jspecify.annotations.NullMarked;
