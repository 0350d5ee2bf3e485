/**
 * Auto-configuration for the instrumentation of routers:
 * {@link io.inferlens.annotation.TracedRouting @TracedRouting} methods and
 * {@link io.inferlens.routing.RoutingRecorder}.
 */
@NullMarked
package io.inferlens.autoconfigure.routing;

import org.jspecify.annotations.NullMarked;
