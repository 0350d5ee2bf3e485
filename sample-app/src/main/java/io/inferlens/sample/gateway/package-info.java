/**
 * The gateway: the OpenAI-compatible chat API, the router and the backend client.
 */
@NullMarked
package io.inferlens.sample.gateway;

import org.jspecify.annotations.NullMarked;
