/**
 * Auto-configuration of the Inferlens health indicator.
 */
@NullMarked
package io.inferlens.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
