/**
 * The dashboard page: static HTML, script and style sheet served from the classpath,
 * reading the {@code inferlens} Actuator endpoint.
 */
@NullMarked
package io.inferlens.spring.dashboard;

import org.jspecify.annotations.NullMarked;
