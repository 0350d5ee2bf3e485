/**
 * JMH benchmarks of the per-call overhead of
 * {@link io.inferlens.annotation.Traced @Traced}, against a plain call and Micrometer's
 * {@code @Observed} and {@code @Timed}, and of
 * {@link io.inferlens.annotation.TracedInference @TracedInference} on a model call, each
 * measured in a real Spring Boot application context.
 */
@NullMarked
package io.inferlens.benchmarks;

import org.jspecify.annotations.NullMarked;
