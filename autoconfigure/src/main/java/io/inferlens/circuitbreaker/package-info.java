/**
 * Observability of circuit breakers: a gauge of each breaker's state and a span event for
 * each state transition, with a binder for Resilience4j. Usable without a Spring
 * application context.
 */
@NullMarked
package io.inferlens.circuitbreaker;

import org.jspecify.annotations.NullMarked;
