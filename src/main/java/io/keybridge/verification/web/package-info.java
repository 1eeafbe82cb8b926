/** The gateway's endpoint: {@code POST /api/v1/verify}. */
@NullMarked
package io.keybridge.verification.web;

import org.jspecify.annotations.NullMarked;
