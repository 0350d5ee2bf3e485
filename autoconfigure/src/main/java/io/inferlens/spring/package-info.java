/**
 * Spring-facing classes: adapters of the instrumentation core to Spring AOP, Spring MVC,
 * Actuator and Spring AI. The core ({@code io.inferlens.<concern>}) has no Spring import;
 * these classes may depend on it, and the auto-configurations
 * ({@code io.inferlens.autoconfigure.<concern>}) on both.
 */
@NullMarked
package io.inferlens.spring;

import org.jspecify.annotations.NullMarked;
