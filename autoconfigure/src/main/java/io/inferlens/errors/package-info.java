/**
 * Counting of the errors that Inferlens' instrumentation sees, by a low-cardinality error
 * type and the operation that failed.
 */
@NullMarked
package io.inferlens.errors;

import org.jspecify.annotations.NullMarked;
