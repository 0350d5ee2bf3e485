/**
 * Rolling statistics of the requests and operations an application serves, over the last
 * minutes: counts, error rates, throughput, latency percentiles and, per model, tokens
 * and cost. Kept in memory, without a metrics backend, for a summary endpoint and health
 * indicators.
 */
@NullMarked
package io.inferlens.stats;

import org.jspecify.annotations.NullMarked;
