/**
 * W3C Trace Context Level 2 propagation on top of OpenTelemetry's: repeated
 * {@code traceparent} and {@code tracestate} fields, and the Level 2 {@code tracestate}
 * grammar.
 */
@NullMarked
package io.inferlens.propagation;

import org.jspecify.annotations.NullMarked;
