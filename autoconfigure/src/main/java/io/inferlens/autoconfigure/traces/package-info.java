/**
 * Auto-configuration of the trace store.
 */
@NullMarked
package io.inferlens.autoconfigure.traces;

import org.jspecify.annotations.NullMarked;
