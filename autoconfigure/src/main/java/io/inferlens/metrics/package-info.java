/**
 * Limits on the meters that Inferlens' instrumentation registers, such as the number of
 * distinct values of the tags that come from callers.
 */
@NullMarked
package io.inferlens.metrics;

import org.jspecify.annotations.NullMarked;
