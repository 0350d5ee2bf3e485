/**
 * Auto-configuration of the Inferlens dashboard page.
 */
@NullMarked
package io.inferlens.autoconfigure.dashboard;

import org.jspecify.annotations.NullMarked;
