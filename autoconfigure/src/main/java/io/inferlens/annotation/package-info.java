/**
 * Annotations that mark methods for Inferlens instrumentation.
 */
@NullMarked
package io.inferlens.annotation;

import org.jspecify.annotations.NullMarked;
