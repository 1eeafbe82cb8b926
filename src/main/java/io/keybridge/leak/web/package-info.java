/** {@code POST /api/v1/leak-reports}, authenticated by a signature over the body rather than a bearer token. */
@NullMarked
package io.keybridge.leak.web;

import org.jspecify.annotations.NullMarked;
