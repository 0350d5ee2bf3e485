/**
 * A plain Actuator application whose startup is measured with and without the Inferlens
 * starter.
 */
@NullMarked
package io.inferlens.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
