/**
 * Health: an indicator that is degraded while requests fail often or a circuit breaker is
 * open.
 */
@NullMarked
package io.inferlens.spring.health;

import org.jspecify.annotations.NullMarked;
