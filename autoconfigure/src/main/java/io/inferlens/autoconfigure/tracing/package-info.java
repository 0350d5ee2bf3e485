/**
 * Auto-configuration of Inferlens' additions to Spring Boot's OpenTelemetry tracing.
 */
@NullMarked
package io.inferlens.autoconfigure.tracing;

import org.jspecify.annotations.NullMarked;
