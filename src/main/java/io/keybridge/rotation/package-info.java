/** Rotation: policies, and replacing a key's secret with a new version without leaving its consumer without one. */
@NullMarked
package io.keybridge.rotation;

import org.jspecify.annotations.NullMarked;
