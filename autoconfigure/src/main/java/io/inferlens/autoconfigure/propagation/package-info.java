/**
 * Auto-configuration of the W3C Trace Context Level 2 propagation.
 */
@NullMarked
package io.inferlens.autoconfigure.propagation;

import org.jspecify.annotations.NullMarked;
