/**
 * Instrumentation of {@link io.inferlens.annotation.Traced @Traced} methods on
 * Micrometer's Observation API. Usable without a Spring application context.
 */
@NullMarked
package io.inferlens.traced;

import org.jspecify.annotations.NullMarked;
