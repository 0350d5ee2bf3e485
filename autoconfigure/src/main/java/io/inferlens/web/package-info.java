/**
 * The parts of request logging that are the same on every web stack: request ids, the
 * keys of the request log line, and the masking of headers, query parameters and bodies.
 * The filters that write the line are in {@code io.inferlens.spring.web.servlet} and
 * {@code io.inferlens.spring.web.reactive}.
 */
@NullMarked
package io.inferlens.web;

import org.jspecify.annotations.NullMarked;
