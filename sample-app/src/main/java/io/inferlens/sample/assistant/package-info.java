/**
 * A Spring AI assistant: {@code ChatClient} with streaming and one tool, observed by
 * Inferlens with no annotation.
 */
@NullMarked
package io.inferlens.sample.assistant;

import org.jspecify.annotations.NullMarked;
