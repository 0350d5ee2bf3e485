/**
 * A simulated OpenAI-compatible model server, so the gateway runs with no setup.
 */
@NullMarked
package io.inferlens.sample.simulator;

import org.jspecify.annotations.NullMarked;
