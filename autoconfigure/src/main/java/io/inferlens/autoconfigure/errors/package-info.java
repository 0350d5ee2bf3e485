/**
 * Auto-configuration of the error counter.
 */
@NullMarked
package io.inferlens.autoconfigure.errors;

import org.jspecify.annotations.NullMarked;
