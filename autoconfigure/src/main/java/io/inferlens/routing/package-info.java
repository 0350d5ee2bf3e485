/**
 * Instrumentation of routers that score candidate targets and pick one, on Micrometer's
 * Observation API: the {@code routing_request} span and its stages, and the
 * {@code inferlens.routing.*} meters. Usable without a Spring application context.
 */
@NullMarked
package io.inferlens.routing;

import org.jspecify.annotations.NullMarked;
