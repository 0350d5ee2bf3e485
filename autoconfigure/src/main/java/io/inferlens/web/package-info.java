/**
 * Logging of HTTP requests served by a servlet container: one line per request with its
 * route, status, duration, request id and trace, rendered as fields by Boot's structured
 * logging, with credentials masked.
 */
@NullMarked
package io.inferlens.web;

import org.jspecify.annotations.NullMarked;
