/**
 * Auto-configuration of circuit breaker observability.
 */
@NullMarked
package io.inferlens.autoconfigure.circuitbreaker;

import org.jspecify.annotations.NullMarked;
