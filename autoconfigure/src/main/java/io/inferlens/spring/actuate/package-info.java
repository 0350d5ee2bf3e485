/**
 * Actuator support: the {@code inferlens} endpoint, reading the statistics, trace store,
 * error store, experiments and circuit breakers as JSON.
 */
@NullMarked
package io.inferlens.spring.actuate;

import org.jspecify.annotations.NullMarked;
