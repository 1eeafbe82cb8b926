/** What every endpoint shares: RFC 9457 problem responses, request ids, request size limits. */
@NullMarked
package io.keybridge.web;

import org.jspecify.annotations.NullMarked;
