/**
 * Servlet and Spring MVC support: the request logging filter, the capture of handlers'
 * exceptions and the HTTP source of the request statistics.
 */
@NullMarked
package io.inferlens.spring.web.servlet;

import org.jspecify.annotations.NullMarked;
