/**
 * Auto-configuration of the limits on Inferlens' meters.
 */
@NullMarked
package io.inferlens.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
