/**
 * Observation of generative AI model calls following the OpenTelemetry GenAI semantic
 * conventions: spans, duration and token usage histograms, time to first chunk of
 * streams, cost from a price table, and cache hits.
 */
@NullMarked
package io.inferlens.inference;

import org.jspecify.annotations.NullMarked;
