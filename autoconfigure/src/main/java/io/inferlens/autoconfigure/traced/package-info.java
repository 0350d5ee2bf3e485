/**
 * Auto-configuration for {@link io.inferlens.annotation.Traced @Traced} methods.
 */
@NullMarked
package io.inferlens.autoconfigure.traced;

import org.jspecify.annotations.NullMarked;
