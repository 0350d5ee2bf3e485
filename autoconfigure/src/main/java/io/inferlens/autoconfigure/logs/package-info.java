/**
 * Auto-configuration of logs per trace.
 */
@NullMarked
package io.inferlens.autoconfigure.logs;

import org.jspecify.annotations.NullMarked;
