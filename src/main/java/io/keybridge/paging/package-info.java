/** Pagination values shared by the listing endpoints. */
@NullMarked
package io.keybridge.paging;

import org.jspecify.annotations.NullMarked;
