/** Reading keybridge's own policy files, from a folder or from those shipped inside the jar. */
@NullMarked
package io.keybridge.config;

import org.jspecify.annotations.NullMarked;
