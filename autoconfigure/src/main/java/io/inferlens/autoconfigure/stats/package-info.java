/**
 * Auto-configuration of the rolling request statistics.
 */
@NullMarked
package io.inferlens.autoconfigure.stats;

import org.jspecify.annotations.NullMarked;
