/**
 * The Inferlens sample application: a small LLM gateway.
 */
@NullMarked
package io.inferlens.sample;

import org.jspecify.annotations.NullMarked;
