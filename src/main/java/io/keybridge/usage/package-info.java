/**
 * How each key is used: counted from {@code /verify} in memory, written as hourly aggregates, and compared with the
 * key's own baseline to raise findings (spikes, unusual hours, scope probing, refused sources, old versions in use,
 * unused scopes).
 */
@NullMarked
package io.keybridge.usage;

import org.jspecify.annotations.NullMarked;
