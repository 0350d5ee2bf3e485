/**
 * Spring WebFlux support: the request logging filter, the capture of the exceptions that
 * reach the framework and the HTTP source of the request statistics, reading the HTTP
 * server observation that Spring's {@code HttpWebHandlerAdapter} makes of each exchange.
 */
@NullMarked
package io.inferlens.spring.web.reactive;

import org.jspecify.annotations.NullMarked;
