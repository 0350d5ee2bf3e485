/**
 * Bounded, concurrent per-trace buffers shared by Inferlens' in-memory stores.
 */
@NullMarked
package io.inferlens.store;

import org.jspecify.annotations.NullMarked;
