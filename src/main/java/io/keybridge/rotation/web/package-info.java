/** The rotation API: rotate now, emergency-rotate, rotation history. */
@NullMarked
package io.keybridge.rotation.web;

import org.jspecify.annotations.NullMarked;
