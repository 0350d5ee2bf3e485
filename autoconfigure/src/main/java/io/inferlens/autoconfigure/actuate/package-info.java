/**
 * Auto-configuration of the {@code inferlens} Actuator endpoint.
 */
@NullMarked
package io.inferlens.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
