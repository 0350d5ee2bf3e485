/**
 * Additions to OpenTelemetry tracing that Spring Boot does not provide: per-operation
 * sampling rules for trace starts and a console span exporter for development. Usable
 * without a Spring application context.
 */
@NullMarked
package io.inferlens.tracing;

import org.jspecify.annotations.NullMarked;
